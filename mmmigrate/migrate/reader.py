"""Reads MMCV-style Python configs statically: never executes them.

Each top-level ``NAME = <expression>`` becomes a value tree (dicts, lists,
tuples, literals); names assigned earlier in the file are substituted, as
MMCV's own execution would; arithmetic on numbers is folded; everything
else (calls other than ``dict(...)``, imports, attribute access, ...) is an
:class:`Opaque` leaf holding the source text. ``_base_`` files are read the
same way and merged as MMCV merges them (dicts recursively, ``_delete_``
replacing, anything else overriding).
"""
import ast
import codecs
import copy
import functools
import io
import json
import operator
import os
import re
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional

import yaml

from .translate.values import Folded, Opaque, SpelledFloat, merge, named, strip_delete


class ConfigReadError(Exception):
    """A config cannot be read; the message names the file and line."""


@dataclass
class Statement:
    """A top-level statement: the name it assigns (``x = ...`` or
    ``x['k'] = ...``; None for anything else), the lines it spans (1-based,
    inclusive) with the columns it starts and ends at, and (``reads``,
    worked out when first asked) the names it reads."""
    assigned: Optional[str]
    node: ast.stmt = field(repr=False)
    first_line: int
    last_line: int
    first_column: int
    end_column: int
    _reads: Optional[FrozenSet[str]] = field(default=None, repr=False)

    @property
    def reads(self) -> FrozenSet[str]:
        if self._reads is None:
            self._reads = frozenset(n.id for n in ast.walk(self.node)
                                    if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load))
        return self._reads


@dataclass
class ConfigFile:
    path: Path
    source: str
    values: Dict[str, object]  # top-level names, in file order
    lines: Dict[str, int]  # name -> line of its (last) assignment
    bases: List[Path] = field(default_factory=list)
    statements: List['Statement'] = field(default_factory=list)
    has_delete: bool = True  # whether any of its values may hold _delete_
    import_lines: List[int] = field(default_factory=list)  # top-level import statements
    encoding: str = 'utf-8'  # as Python decoded it ('utf-8-sig': a BOM); the output's too
    data_format: Optional[str] = None  # 'yaml' / 'json': read as a base, never rewritten


_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Pow: operator.pow,
           ast.Mod: operator.mod}


def absolute(path) -> Path:
    """``path`` made absolute and normalised (``a/../b`` -> ``b``) without
    touching the disk: a file reached through two spellings is read once."""
    return Path(os.path.normpath(os.path.abspath(path)))


DATA_SUFFIXES = ('.yaml', '.yml', '.json')
MAX_CONFIG_BYTES = 8 * 2 ** 20  # far above any real config; bounds the work per file
_MAX_FOLDED_BITS = 10_000  # larger integers stay as written (no 10**10**10 folding)


def read_source(path: Path):
    """(text, encoding) of a Python config, decoded as Python decodes it
    (a BOM, or the encoding a PEP 263 coding line names; UTF-8 otherwise)."""
    try:
        if not path.is_file():
            kind = 'a folder' if path.is_dir() else 'not a regular file'
            raise ConfigReadError(f'{path}: {kind}; a config is a .py file')
        if path.stat().st_size > MAX_CONFIG_BYTES:
            raise ConfigReadError(f'{path}: larger than {MAX_CONFIG_BYTES >> 20} MiB; not read '
                                  'as a config')
        data = path.read_bytes()
    except OSError as e:
        raise ConfigReadError(f'{path}: cannot be read ({e.strerror or e})') from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ConfigReadError(f'{path}:1: UTF-16 text, which Python does not read as source; '
                              'save it as UTF-8. The file is left untouched')
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding), encoding
    except SyntaxError as e:  # an unknown or contradictory coding line
        raise ConfigReadError(f'{path}:1: {e.msg}; the file is left untouched') from None
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b'\n') + 1
        raise ConfigReadError(f'{path}:{line}: not valid {e.encoding} text ({e.reason}); '
                              'the file is left untouched') from None


def parse_config(path: Path, source: Optional[str] = None) -> ConfigFile:
    path = Path(path)
    encoding = 'utf-8'
    if source is None:
        source, encoding = read_source(path)
    if path.suffix.lower() in DATA_SUFFIXES:
        return _parse_data_config(path, source)
    text = _Source(source.replace('\r\n', '\n'))
    try:
        tree = ast.parse(text, filename=str(path))
    except SyntaxError as e:
        raise ConfigReadError(f'{path}:{e.lineno}: not valid Python ({e.msg}); '
                              'the file is left untouched') from None
    except (ValueError, RecursionError, MemoryError) as e:  # e.g. ints over 4,300 digits
        raise ConfigReadError(f'{path}: Python cannot compile it ({type(e).__name__}: '
                              f'{str(e)[:120]}); the file is left untouched') from None
    values: Dict[str, object] = {}
    lines: Dict[str, int] = {}
    statements = []
    for node in tree.body:
        assigned = None
        _refuse_what_cannot_be_followed(path, node)
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and \
                isinstance(node.targets[0], ast.Name):
            assigned = node.targets[0].id
            try:
                values[assigned] = _value(node.value, text, values)
            except RecursionError:  # nested too deep to fold: kept as written
                values[assigned] = Opaque(_segment(text, node.value), node.lineno)
            lines[assigned] = node.lineno
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and \
                isinstance(node.targets[0], ast.Subscript):
            # data['test'] = data['val']: applied to the value it changes
            assigned = _apply_subscript(node.targets[0], node.value, text, values)
        first_line = min([node.lineno] + [d.lineno for d in
                                          getattr(node, 'decorator_list', [])])
        statements.append(Statement(assigned, node, first_line, node.end_lineno,
                                    node.col_offset, node.end_col_offset))
    bases = _bases(path, values, lines)
    imports = [node.lineno for node in tree.body
               if isinstance(node, (ast.Import, ast.ImportFrom))]
    return ConfigFile(path, source, values, lines, bases, statements,
                      has_delete='_delete_' in text, import_lines=imports, encoding=encoding)


def _bases(path: Path, values: dict, lines: dict) -> List[Path]:
    if '_base_' not in values:
        return []
    raw = values['_base_']
    raw = [raw] if isinstance(raw, str) else raw
    if not isinstance(raw, (list, tuple)) or not all(isinstance(b, str) for b in raw):
        raise ConfigReadError(f'{path}:{lines.get("_base_", 1)}: _base_ must be a string or a '
                              'list of strings')
    return [absolute(path.parent / b) for b in raw]


def _parse_data_config(path: Path, source: str) -> ConfigFile:
    """A YAML or JSON config (MMCV and MMEngine read both as bases): its
    values, for the Python configs built on it. It is never rewritten; the
    MMEngine keys its legacy keys give are written in those configs."""
    kind = 'json' if path.suffix.lower() == '.json' else 'yaml'
    try:
        data = json.loads(source) if kind == 'json' else yaml.safe_load(source)
    except (ValueError, yaml.YAMLError) as e:
        raise ConfigReadError(f'{path}: not valid {kind.upper()} ({str(e).splitlines()[0]}); '
                              'the file is left untouched') from None
    if data is None:
        data = {}
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        raise ConfigReadError(f'{path}: a {kind.upper()} config must be a mapping of names to '
                              'values')
    lines = {key: 1 for key in data}
    return ConfigFile(path, source, dict(data), lines, _bases(path, data, lines), [],
                      has_delete='_delete_' in source, data_format=kind)


def _refuse_what_cannot_be_followed(path: Path, node) -> None:
    """Statements that change which names the config defines in ways a
    static reader cannot follow: the file is left as it is, with a message."""
    if isinstance(node, ast.Delete) and any(isinstance(t, ast.Name) for t in node.targets):
        names = ', '.join(t.id for t in node.targets if isinstance(t, ast.Name))
        raise ConfigReadError(f'{path}:{node.lineno}: `del {names}` at top level: mmmigrate '
                              'reads configs without running them and cannot follow a deleted '
                              'name; the file is left untouched (remove the del, or convert '
                              'it by hand)')
    if isinstance(node, ast.Assign) and len(node.targets) > 1 and any(
            isinstance(t, ast.Name) and t.id == '_base_' for t in node.targets):
        raise ConfigReadError(f'{path}:{node.lineno}: _base_ is assigned together with other '
                              'names; write `_base_ = ...` on its own line so its bases can '
                              'be read; the file is left untouched')


def _apply_subscript(target: ast.Subscript, value_node, text: str, values: dict):
    """Apply ``NAME[k1][k2] = value`` to ``values``; returns NAME (or None
    when the target is not rooted at a name). Keys that are not literals
    make the whole value opaque."""
    keys, node = [], target
    while isinstance(node, ast.Subscript):
        keys.append(node.slice)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    name = node.id
    keys.reverse()
    container = values.get(name)
    literal_keys = [k.value if isinstance(k, ast.Constant) else None for k in keys]
    if not isinstance(container, dict) or None in literal_keys:
        if name in values:
            values[name] = Opaque(f'{name} (changed at line {target.lineno})', target.lineno)
        return name
    # a plain copy along the changed path: a container read through another
    # name no longer equals that name's value once changed
    container = dict(copy.deepcopy(container))
    cursor = container
    for key in literal_keys[:-1]:
        if not isinstance(cursor.get(key), dict):
            values[name] = Opaque(f'{name} (changed at line {target.lineno})', target.lineno)
            return name
        cursor[key] = dict(cursor[key])
        cursor = cursor[key]
    cursor[literal_keys[-1]] = _value(value_node, text, values)
    values[name] = container
    return name


@functools.lru_cache(maxsize=4)
def _source_lines(source: str) -> List[str]:
    """``source``'s lines as Python numbers them, split once per source
    (``ast.get_source_segment`` splits the whole text at every call, which
    is quadratic in a list of thousands of floats)."""
    return re.split(r'\r\n|\r|\n', source)


def _spelled(node: ast.Constant, source: str):
    value = node.value
    if type(value) is float and node.end_lineno == node.lineno:
        lines = _source_lines(source)
        line = lines[node.lineno - 1] if node.lineno <= len(lines) else ''
        # the offsets count UTF-8 bytes
        text = line.encode()[node.col_offset:node.end_col_offset].decode(errors='replace')
        if text:
            spelled = SpelledFloat(value)
            spelled.spelling = text
            return spelled
    return value


def _value(node, source: str, names: dict):
    if isinstance(node, ast.Constant):
        return _spelled(node, source)
    if isinstance(node, ast.Dict):
        if all(isinstance(k, ast.Constant) for k in node.keys):
            return {k.value: _value(v, source, names) for k, v in zip(node.keys, node.values)}
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
            node.func.id == 'dict' and not node.args and 'dict' not in names and \
            all(k.arg is not None for k in node.keywords):
        return {k.arg: _value(k.value, source, names) for k in node.keywords}
    elif isinstance(node, ast.List) and not any(isinstance(e, ast.Starred) for e in node.elts):
        return [_value(e, source, names) for e in node.elts]
    elif isinstance(node, ast.Tuple) and not any(isinstance(e, ast.Starred)
                                                 for e in node.elts):
        return tuple(_value(e, source, names) for e in node.elts)
    elif isinstance(node, ast.Name):
        if node.id in names and not isinstance(names[node.id], Opaque):
            return named(names[node.id], node.id)
        if node.id in ('True', 'False', 'None'):
            return {'True': True, 'False': False, 'None': None}[node.id]
    elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        container = _value(node.value, source, names)
        if isinstance(container, dict) and node.slice.value in container:
            return copy.deepcopy(container[node.slice.value])
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        operand = _value(node.operand, source, names)
        if _is_number(operand):
            return -operand if isinstance(node.op, ast.USub) else operand
    elif isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _value(node.left, source, names), _value(node.right, source, names)
        if _is_number(left) and _is_number(right) and _small_enough(node.op, left, right):
            try:
                result = _BINARY[type(node.op)](left, right)
            except (ArithmeticError, ValueError):
                result = None
            if result is not None and not (isinstance(result, int) and
                                           result.bit_length() > _MAX_FOLDED_BITS):
                return result
        if isinstance(node.op, ast.Add) and isinstance(left, list) and isinstance(right, list):
            return left + right
        if isinstance(node.op, ast.Add) and _string_of(left) is not None and \
                _string_of(right) is not None:
            return _folded(node, source, _string_of(left) + _string_of(right))
    elif isinstance(node, ast.JoinedStr):
        parts = []
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                if part.conversion != -1 or part.format_spec is not None:
                    break
                value = _value(part.value, source, names)
                if isinstance(value, bool) or not isinstance(value, (str, int)):
                    break
                parts.append(str(value))
            else:
                parts.append(part.value)
        else:
            return _folded(node, source, ''.join(parts))
    return Opaque(_segment(source, node), node.lineno)


def _string_of(value):
    """The text of a string value (a literal, a name, a folded expression)."""
    if isinstance(value, Folded):
        return value.value
    return value if isinstance(value, str) else None


def _folded(node, source: str, value: str) -> 'Folded':
    used = frozenset(n.id for n in ast.walk(node) if isinstance(n, ast.Name))
    return Folded(_segment(source, node), node.lineno, value=value, names=used)


_LINE = re.compile(r'[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$')


def split_lines(text: str) -> List[str]:
    """``text`` cut into lines (ends kept) where Python's parser cuts it:
    at \\n, \\r\\n and \\r only. ``str.splitlines`` also cuts at form feeds
    and other separators, which would shift every line number after them."""
    return _LINE.findall(text)


class _Source(str):
    """A file's text with its lines split once (for source segments)."""

    @property
    def lines(self):
        cached = self.__dict__.get('_lines')
        if cached is None:
            cached = self.__dict__['_lines'] = [line.encode('utf-8')
                                                for line in split_lines(self)]
        return cached


def _segment(source: '_Source', node) -> str:
    """The source text of ``node`` (ast columns count UTF-8 bytes)."""
    lines = source.lines[node.lineno - 1:node.end_lineno]
    if not lines:
        return '...'
    if len(lines) == 1:
        return lines[0][node.col_offset:node.end_col_offset].decode('utf-8')
    parts = [lines[0][node.col_offset:], *lines[1:-1], lines[-1][:node.end_col_offset]]
    return b''.join(parts).decode('utf-8')


def _small_enough(op, left, right) -> bool:
    """Whether folding ``left op right`` stays cheap: an integer power is
    bounded before it is computed."""
    if isinstance(op, ast.Pow) and isinstance(left, int) and isinstance(right, int):
        return right <= 0 or abs(left) <= 1 or right * left.bit_length() <= _MAX_FOLDED_BITS
    return True


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class ConfigTree:
    """Reads files once and answers "what does this config merge to"."""

    def __init__(self):
        self._files: Dict[Path, ConfigFile] = {}
        self._merged: Dict[Path, dict] = {}
        self._parsed: Dict[Path, ConfigFile] = {}  # read, but _base_ loops not checked yet
        self._errors: Dict[Path, ConfigReadError] = {}

    def file(self, path: Path) -> ConfigFile:
        """The file at ``path``; ``ConfigReadError`` when it cannot be read
        or its ``_base_`` chain leads back to it."""
        found = self._files.get(path)  # also keyed by the path as given
        if found is None:
            resolved = absolute(path)
            found = self._files.get(resolved)
            if found is None:
                if resolved in self._errors:
                    raise self._errors[resolved]
                try:
                    found = self._parse(resolved)
                    self._check_no_loop(found)
                except ConfigReadError as e:
                    self._errors[resolved] = e
                    raise
                self._files[resolved] = found
            self._files[path] = found
        return found

    def _parse(self, path: Path) -> ConfigFile:
        if path not in self._parsed:
            if not path.exists():
                raise ConfigReadError(f'{path}: no such config file')
            self._parsed[path] = parse_config(path)
        return self._parsed[path]

    def _check_no_loop(self, config_file: ConfigFile) -> None:
        """Walk the ``_base_`` graph above the file (without recursion);
        raise if it comes back to the file."""
        start = config_file.path
        pending = [(base, (start, base)) for base in config_file.bases]
        seen = set()
        while pending:
            path, chain = pending.pop()
            if path == start:
                names = ' -> '.join(p.name for p in chain)
                raise ConfigReadError(f'{start}:{config_file.lines.get("_base_", 1)}: _base_ '
                                      f'files include each other ({names}); MMCV cannot load '
                                      'it either')
            if path in seen:
                continue
            seen.add(path)
            try:
                bases = self._parse(path).bases
            except ConfigReadError:
                continue  # reported when that base itself is read
            pending.extend((base, chain + (base, )) for base in bases)

    def add_source(self, path: Path, source: str) -> None:
        """Read ``source`` as if it were the file ``path`` (standard input)."""
        path = absolute(path)
        self._files[path] = parse_config(path, source)

    def merged(self, path: Path, _seen=()) -> dict:
        """The config ``path`` defines, its ``_base_`` chain applied (shared:
        do not modify it)."""
        config_file = self.file(path)
        if config_file.path in _seen:
            raise ConfigReadError(f'{config_file.path}: _base_ files include each other')
        if config_file.path not in self._merged:
            merged = self.merged_bases(path, _seen)
            self._merged[config_file.path] = merge_values(merged, config_file.values,
                                                          config_file.has_delete)
        return self._merged[config_file.path]

    def merged_bases(self, path: Path, _seen=()) -> dict:
        config_file = self.file(path)
        merged: dict = {}
        for base in config_file.bases:
            merged = merge(merged, self.merged(base, _seen + (config_file.path, )))
        return merged


def merge_values(merged: dict, values: dict, has_delete: bool = True) -> dict:
    """``merged`` with a file's top-level ``values`` applied over it
    (``has_delete=False``: the values hold no ``_delete_``, skip looking)."""
    out = dict(merged)
    for name, value in values.items():
        if name == '_base_':
            continue
        if name in merged:
            out[name] = merge(merged[name], value, has_delete)
        else:
            out[name] = strip_delete(value) if has_delete else value
    return out


def evaluate(expression: str, names: dict):
    """The value of one expression's source text, with ``names`` holding
    values bound earlier (as the config reader evaluates): literals and
    dicts come back as values, anything else as an :class:`Opaque` leaf."""
    text = _Source(expression)
    try:
        node = ast.parse(text, mode='eval').body
    except SyntaxError:
        return Opaque(expression)
    return _value(node, text, names)
