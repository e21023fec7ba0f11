"""Converts one Python source file (``mmmigrate convert``).

The bytes are read as they are: a UTF-8 byte-order mark and the newline
style survive, files that never mention ``mmcv`` are skipped without
parsing, and a file the tool cannot read safely (not UTF-8, not valid
Python 3, mixed tabs and spaces) is reported and left byte for byte.
"""
import ast
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional

from .translate.config import LEGACY_KEYS
from .translate.values import Finding

BOM = b'\xef\xbb\xbf'
_TOP_LEVEL_KEY = re.compile(rb'^(\w+)\s*=\s*dict\(', re.M)


@dataclass
class SourceResult:
    path: Path
    data: bytes
    new_data: bytes
    findings: List[Finding] = field(default_factory=list)
    error: Optional[str] = None
    moved: List[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.new_data != self.data


def mentions_mmcv(data: bytes) -> bool:
    """The fast pre-filter: only files that say ``mmcv``, or use MMCV's model
    contract without importing anything from it (``return_loss``, a
    ``train_step`` taking the optimizer), or define MMCV hook points (``def
    after_train_iter(self, runner)`` in a subclass of a project's own base
    hook, in another file), can need a change."""
    return b'mmcv' in data or b'return_loss' in data or b'def train_step' in data or \
        b'(self, runner)' in data


def looks_like_config(path: Path, data: bytes) -> bool:
    """A config file found in a source tree: under a ``configs`` folder,
    with ``_base_``, or assigning two legacy keys at top level."""
    if 'configs' in path.parts or data.startswith(b'_base_') or b'\n_base_ =' in data:
        return True
    keys = {m.decode() for m in _TOP_LEVEL_KEY.findall(data)}
    return len(keys & set(LEGACY_KEYS)) >= 2


def convert_source(path: Path, data: Optional[bytes] = None) -> SourceResult:
    path = Path(path)
    if data is None:
        data = path.read_bytes()
    if not mentions_mmcv(data):
        return SourceResult(path, data, data)
    bom = data.startswith(BOM)
    try:
        text = data[len(BOM) if bom else 0:].decode('utf-8')
    except UnicodeDecodeError as e:
        return SourceResult(path, data, data, error=f'{path}: not UTF-8 (byte {e.start}); '
                            'convert it to UTF-8 first; left untouched')
    tree = _parse(path, text)
    if isinstance(tree, str):
        return SourceResult(path, data, data, error=tree)
    try:
        new_text, findings, moved = _transform(text, tree)
    except SyntaxError as e:
        return SourceResult(path, data, data, error=f'{path}: the converted text would not '
                            f'parse (line {e.lineno}: {e.msg}); left untouched, please report it')
    for finding in findings:
        finding.file = str(path)
    if new_text == text:
        return SourceResult(path, data, data, findings)
    new_data = (BOM if bom else b'') + new_text.encode('utf-8')
    return SourceResult(path, data, new_data, findings, moved=moved)


def warm_up() -> None:
    """Import the text transforms and load the import table, so processes
    forked after this call start with them."""
    from .codemods import (config_reads, fp16_decorators, hooks, imports,  # noqa: F401
                           todo_comments, version_guard)
    from ..rules.import_table import lookup
    from ..rules.shim_table import gone_in_mmcv2
    lookup('mmcv.runner', 'Hook')
    gone_in_mmcv2('mmcv.runner')


def _transform(text: str, tree: ast.Module):
    """The transforms in order: fp16 decorators (a text edit), the ones
    that rebuild statements (runner scripts, models; libcst, parsed only for
    files that need them), then the ones that splice edits into the text
    (hooks, the MMCV version guard, model settings and config reads, import
    moves; the stdlib tree). The import moves come last: they drop imports
    the earlier transforms made unused. Each transform gets the tree of the
    text it works on, and the result is parsed once more before it is
    returned, so text that would not parse raises SyntaxError. Then every
    warning becomes a TODO comment at its statement, and the findings'
    lines are mapped back to the lines of the input.
    (new text, findings, what changed)."""
    from .codemods.config_reads import drop_model_settings_arguments, find_legacy_config_reads
    from .codemods.hooks import adapt_hooks
    from .codemods.imports import move_imports
    from .codemods.todo_comments import add_todo_comments, line_map, source_lines
    original = text
    findings = {}  # per transform, reported in this order
    stage_input = {}  # per transform, the text its findings' lines refer to
    changes, consumed, consumed_project = [], set(), set()
    if _mentions(text, _WORDS['fp16']):
        from .codemods.fp16_decorators import drop_fp16_decorators
        stage_input['fp16'] = text
        new_text, findings['fp16'], dropped = drop_fp16_decorators(text, tree)
        consumed |= dropped
        if new_text != text:
            text, tree = new_text, _reparse(new_text)
    rebuilding = [name for name in ('runner', 'models') if _mentions(text, _WORDS[name])]
    if rebuilding:
        text, tree = _rebuild(text, tree, rebuilding, findings, changes,
                              (consumed, consumed_project),
                              stage_input)
    stage_input['hooks'] = text
    if _mentions(text, _WORDS['hooks']):
        result = adapt_hooks(text, tree, _CLASS_INDEX)
        findings['hooks'] = result['findings']
        changes += result['changes']
        if result['text'] != text:
            text, tree = result['text'], _reparse(result['text'])
    stage_input['version_guard'] = text
    if _mentions(text, _WORDS['version_guard']):
        from .codemods.version_guard import raise_version_guard
        new_text, findings['version_guard'] = raise_version_guard(text, tree)
        if new_text != text:
            text, tree = new_text, _reparse(new_text)
    if _mentions(text, _WORDS['config_reads']):
        stage_input['model_settings'] = text
        new_text, findings['model_settings'] = drop_model_settings_arguments(text, tree)
        if new_text != text:
            text, tree = new_text, _reparse(new_text)
        stage_input['config_reads'] = text
        findings['config_reads'] = find_legacy_config_reads(tree)['findings']
    stage_input['imports'] = text
    new_text, findings['imports'], moved = move_imports(text, tree, consumed, consumed_project)
    new_tree = _reparse(new_text) if new_text != text else tree
    ordered = [f for name in ('runner', 'hooks', 'fp16', 'models', 'version_guard',
                              'model_settings', 'config_reads', 'imports')
               for f in findings.get(name, ())]
    # every warning also as a TODO comment at its statement
    reported = [(f, stage_input[name]) for name in findings for f in findings[name]]
    with_todos = add_todo_comments(new_text, new_tree, reported)
    if with_todos != new_text:
        _reparse(with_todos)
    # the report speaks of the lines of the file as the user has it
    to_original = {}
    for finding, source in reported:
        if source is not original and finding.line:
            if id(source) not in to_original:
                to_original[id(source)] = line_map(source_lines(source),
                                                   source_lines(original))
            finding.line = to_original[id(source)].get(finding.line, finding.line)
    return with_todos, ordered, changes + moved


def _rebuild(text: str, tree: ast.Module, names, findings: dict, changes: list,
             consumed_sets: tuple, stage_input: dict):
    """The libcst transforms ``names``; (new text, its stdlib tree).
    ``stage_input`` gets the text each transform's finding lines refer to."""
    import libcst as cst  # only for files that need it

    from .codemods.models import adapt_models
    from .codemods.runner import convert_runners
    transforms = {'runner': convert_runners, 'models': adapt_models}
    original = module = cst.parse_module(text)
    wraps_own_step = False
    for name in names:
        stage_input[name] = text if module is original else module.code
        if module is original:  # the stdlib tree is this text's: defs can be skipped
            result = transforms[name](module, tree, text, _CLASS_INDEX) \
                if name == 'models' else transforms[name](module, tree, text)
        else:
            result = transforms[name](module)
        module = result['module']
        findings[name] = result['findings']
        changes += result['changes']
        consumed_sets[0].update(result.get('consumed', set()))
        consumed_sets[1].update(result.get('consumed_project', set()))
        wraps_own_step |= result.get('wraps_own_step', False)
    if wraps_own_step and 'models' in findings:
        # this file's Runner already gets MMSeparateDistributedDataParallel,
        # which runs the models' own train_step
        findings['models'] = [f for f in findings['models'] if f.rule != 'model-ddp-wrapper']
    new_text = text if module is original else module.code
    return (new_text, _reparse(new_text)) if new_text != text else (text, tree)


# the classes of the tree being converted (class_index.ClassIndex), set by
# the driver before it converts a tree (and inherited by forked workers)
_CLASS_INDEX = None


def set_class_index(index) -> None:
    global _CLASS_INDEX
    _CLASS_INDEX = index


def _reparse(text: str) -> ast.Module:
    return compile(text, '<converted>', 'exec', flags=ast.PyCF_ONLY_AST, dont_inherit=True)


def _mentions(text: str, needed) -> bool:
    return bool(needed.search(text)) if hasattr(needed, 'search') else \
        any(word in text for word in needed)


# words a file must contain for each transform to have anything to do
_WORDS = {
    'runner': ('Runner', 'build_runner'),
    'fp16': ('auto_fp16', 'force_fp32'),
    'models': ('train_step', 'return_loss', 'wrap_fp16_model'),
    'hooks': ('Hook', '(self, runner)'),
    'version_guard': ('__version__',),
    # a config object read by attribute, subscript or get()
    'config_reads': re.compile(r'\b(?:cfg|config)\s*[.\[]|\.fromfile\('),
}


_REBUILD_WORDS = tuple(w.encode() for name in ('runner', 'models') for w in _WORDS[name])


def expected_cost(data: bytes) -> int:
    """A rough relative cost of converting a file (its size, ten times over
    when libcst rebuilds it): workers take the costliest files first, so one
    does not end on a long tail of them."""
    return len(data) * (10 if any(word in data for word in _REBUILD_WORDS) else 1)


def _parse(path: Path, text: str):
    """The stdlib tree of ``text``, or why Python 3 would not read it."""
    try:
        return compile(text, str(path), 'exec', flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except TabError as e:
        return f'{path}:{e.lineno}: tabs and spaces are mixed in the indentation; left untouched'
    except SyntaxError as e:
        hint = ' (Python 2 code?)' if re.search(r'^\s*print [^(=]', text, re.M) else ''
        return f'{path}:{e.lineno}: not valid Python 3{hint} ({e.msg}); left untouched'
    except ValueError as e:  # null bytes
        return f'{path}: cannot be parsed ({e}); left untouched'
