"""Converts one config file, knowing its ``_base_`` chain.

Per-file mode keeps the inheritance: a file loses its own legacy keys and
gains the MMEngine keys whose value differs from what its (converted)
bases already give — as the smallest override that MMEngine's merge turns
into the right value (``_delete_=True`` where a key must disappear).
``flatten`` writes one self-contained config instead.

The source is edited line by line at the statement boundaries the Python
parser reports: statements that are not legacy keys keep their text,
comments and formatting; new keys are written where the first legacy key
they replace was. (Top-level statements are whole lines, so no syntax tree
needs to be printed back; this keeps the command several times faster
than a libcst round trip, see bench/config_convert.py.)
"""
import ast
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Set, Tuple

from .reader import ConfigReadError, ConfigTree, absolute, merge_values, split_lines
from .render import render_assignment
from .translate.config import (LEGACY_KEYS, NEW_KEY_SOURCES, contributes, is_legacy,
                               legacy_sources, minimal_override, translate_config)
from .translate.values import Finding, Folded, Opaque, merge, variable_of

_WORD = re.compile(r'[A-Za-z_][A-Za-z0-9_]*')
_BASE_REFERENCE = re.compile(r'\{\{\s*_base_\.([A-Za-z_]\w*)')
# Which new key a finding about a legacy key is written next to.
_FINDING_NEW_KEY = {
    'lr_config': 'param_scheduler', 'momentum_config': 'param_scheduler',
    'optimizer': 'optim_wrapper', 'optimizer_config': 'optim_wrapper', 'fp16': 'optim_wrapper',
    'optimizer.paramwise_cfg': 'optim_wrapper', 'optimizer.constructor': 'optim_wrapper',
    'runner': 'train_cfg', 'evaluation': 'val_evaluator', 'evaluation.start': 'train_cfg',
    'checkpoint_config': 'default_hooks', 'log_config': 'default_hooks',
    'log_config.hooks': 'visualizer', 'custom_hooks': 'custom_hooks',
    'auto_resume': 'resume', 'data': 'train_dataloader', 'data.samples_per_gpu':
    'train_dataloader',
}
TODO = '# TODO(mmmigrate): '
NOTE = '# NOTE(mmmigrate): '


@dataclass
class FileResult:
    path: Path
    source: str
    new_source: str
    findings: List[Finding] = field(default_factory=list)
    converted_keys: List[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.new_source != self.source


class ConfigConverter:
    """Converts files of one tree consistently: each base is translated
    once, and a child's overrides are computed against its converted bases."""

    def __init__(self, tree: Optional[ConfigTree] = None):
        self.tree = tree or ConfigTree()
        self._converted: Dict[Path, dict] = {}
        self._results: Dict[Path, FileResult] = {}
        self._suppressed: Dict[Path, Set[str]] = {}
        self._prepared: Optional[Set[Path]] = set()
        self._provides: Dict[Tuple[Path, str], bool] = {}
        # {base file: its keys that configs built on it read as {{_base_.KEY}}}
        self._read_by_children: Dict[Path, Set[str]] = {}

    @property
    def planning(self) -> tuple:
        """What ``prepare`` found over the whole run, for worker processes:
        ({base file: new keys it leaves to the configs combining it},
        {base file: keys configs built on it read as ``{{_base_.KEY}}``})."""
        return self._suppressed, self._read_by_children

    def prepare(self, paths, planning: Optional[tuple] = None) -> None:
        """Look at every file of the run (and its bases) before converting.

        MMEngine, like MMCV, refuses a key defined by two ``_base_`` files of
        one config. Keys made from several legacy keys (``default_hooks``
        from ``checkpoint_config`` and ``log_config``, ``train_cfg`` from
        ``runner`` and ``evaluation``) would be, when those legacy keys live
        in sibling bases. Such a key is then written where the bases meet,
        and the bases keep the legacy keys it is made from."""
        if planning is not None:  # computed over the whole run by the caller
            self._suppressed, self._read_by_children = planning
            self._prepared = None
            return
        if self._prepared is None:
            return
        pending = [absolute(p) for p in paths]
        files = set()
        while pending:
            path = pending.pop()
            if path in files:
                continue
            files.add(path)
            try:
                pending.extend(self.tree.file(path).bases)
            except ConfigReadError:
                continue  # reported when the file itself is converted
        for path in sorted(files - self._prepared):
            try:
                self._note_base_references(path)
                self._leave_colliding_keys_to_children(path)
            except ConfigReadError:
                continue  # reported when the file itself is converted
        self._prepared |= files

    def _leave_colliding_keys_to_children(self, path: Path) -> None:
        bases = self.tree.file(path).bases
        if len(bases) < 2:
            return
        for key in NEW_KEY_SOURCES:
            providers = [b for b in bases if self._base_provides(b, key)]
            # a sibling base that defines the MMEngine key itself (a model
            # base's `model`, a converted base's `default_hooks`)
            definers = [b for b in bases if b not in providers
                        and self._base_defines(b, key)] if providers else []
            if len(providers) + len(definers) > 1:
                for provider in providers:
                    for ancestor in self._chain(provider):
                        if self._own_sources(ancestor, key):
                            self._suppressed.setdefault(ancestor, set()).add(key)

    def _note_base_references(self, path: Path) -> None:
        """``{{_base_.data.samples_per_gpu}}`` in a child reads the base's
        ``data`` when the config loads: the base must keep it."""
        keys = set(_BASE_REFERENCE.findall(self.tree.file(path).source))
        if keys:
            for ancestor in self._chain(path)[1:]:
                read = keys & set(self.tree.file(ancestor).values)
                if read:
                    self._read_by_children.setdefault(ancestor, set()).update(read)

    def _own_sources(self, path: Path, key: str) -> bool:
        return bool(legacy_sources(self.tree.file(path).values, key))

    def _base_defines(self, path: Path, key: str) -> bool:
        """Whether ``path`` or its bases define ``key`` as MMEngine reads it
        (a top-level model setting named train_cfg moves into model)."""
        try:
            return any(key in values and not legacy_sources(values, key)
                       and key not in legacy_sources(values, 'model')
                       for values in (self.tree.file(p).values for p in self._chain(path)))
        except ConfigReadError:
            return False

    def _base_provides(self, path: Path, key: str) -> bool:
        if (path, key) not in self._provides:
            try:
                bases = self.tree.file(path).bases
                result = self._own_sources(path, key) or any(
                    self._base_provides(b, key) for b in bases)
            except ConfigReadError:
                result = False
            self._provides[(path, key)] = result
        return self._provides[(path, key)]

    def _chain(self, path: Path) -> List[Path]:
        out, pending = [], [path]
        while pending:
            current = pending.pop()
            if current not in out:
                out.append(current)
                pending.extend(self.tree.file(current).bases)
        return out

    def convert(self, path: Path) -> FileResult:
        path = absolute(path)
        if path not in self._results:
            if self._prepared is not None and path not in self._prepared:
                self.prepare([path])
            self._results[path] = self._convert(path)
        return self._results[path]

    def converted_config(self, path: Path) -> dict:
        """The MMEngine config ``path`` gives once it and its bases are converted."""
        path = absolute(path)
        if path not in self._converted:
            config_file = self.tree.file(path)
            base_new: dict = {}
            for base in config_file.bases:
                # converted configs are merged results: no _delete_ left in them
                base_new = merge(base_new, self.converted_config(base), has_delete=False)
            # a YAML/JSON base is never rewritten: it stays as it is
            emitted, removed, _ = self._plan(path, base_new) if not config_file.data_format \
                else ({}, set(), [])
            own = {k: v for k, v in config_file.values.items() if k not in removed}
            config = merge_values(base_new, own, config_file.has_delete)
            for key, value in emitted.items():
                config[key] = merge(config.get(key), value) if key in config else value
            self._converted[path] = config
        return self._converted[path]

    def _plan(self, path: Path, base_new: dict):
        """(new keys to write, own legacy keys to remove, findings)."""
        config_file = self.tree.file(path)
        merged = self.tree.merged(path)
        if not is_legacy(merged) or not is_legacy(config_file.values) and \
                not config_file.bases:
            return {}, set(), []
        translation = translate_config(merged)
        suppressed = self._suppressed.get(config_file.path, set())
        # Keys left for the configs combining this file stay; top-level model
        # settings never do: MMEngine would read them as loop configs.
        own_removed = {k for k in translation.removed if k in config_file.values
                       and not any(contributes(k, merged.get(k), new)
                                   for new in suppressed if new != 'model')}
        kept_for_bases = {k for k in translation.removed if k in config_file.values} \
            - own_removed
        kept_for_reads = _still_read(config_file, own_removed)
        kept_for_children = own_removed & self._read_by_children.get(config_file.path,
                                                                     set()) - kept_for_reads
        own_removed -= kept_for_reads | kept_for_children
        findings_extra = [Finding(
            'legacy-key-kept', 'info', key,
            f'{key} stays in this file: its MMEngine keys are written in the configs that '
            'combine this file with the other _base_ files they are also made from '
            '(MMEngine refuses a key defined by two bases)') for key in sorted(kept_for_bases)]
        findings_extra += [Finding(
            'legacy-key-kept', 'info', key,
            f'{key} stays in this file because other statements here read it')
            for key in sorted(kept_for_reads)]
        findings_extra += [Finding(
            'legacy-key-kept', 'info', key,
            f'{key} stays in this file because configs built on it read it '
            f'({{{{_base_.{key}}}}})')
            for key in sorted(kept_for_children)]
        emitted = {}
        for key, value in translation.new.items():
            if key in suppressed:
                continue
            if key in base_new and base_new[key] == value and key not in config_file.values:
                continue
            override = minimal_override(base_new[key], value) if key in base_new else value
            deleting = [k for k in NEW_KEY_SOURCES.get(key, ())
                        if isinstance(config_file.values.get(k), dict)
                        and config_file.values[k].get('_delete_')]
            if key == 'train_cfg' and key in base_new and isinstance(value, dict) and deleting:
                # `runner = dict(_delete_=True, ...)` replaced the base's runner:
                # the new key replaces the base's new key the same way
                override = dict(_delete_=True, **value)
            if override == {} and key not in own_removed:
                continue
            if key in config_file.values and _written_value(
                    config_file.values[key], override) == config_file.values[key]:
                continue  # the file already says this (a second run)
            own_sources = NEW_KEY_SOURCES.get(key, (key, ))
            if key in base_new and len(config_file.bases) == 1 and key not in own_removed \
                    and not any(k in config_file.values for k in own_sources):
                # Made from legacy keys its base chain keeps for the files that
                # combine bases; the base already has the converted key (a
                # second run over a half-converted tree must not redo it).
                continue
            if key in config_file.values and key not in own_removed and not any(
                    k in config_file.values for k in own_sources):
                continue  # the file's own MMEngine value beats its bases' legacy keys
            emitted[key] = override
        for key in sorted(set(config_file.values) & set(LEGACY_KEYS) - own_removed):
            # A legacy key that stays (not convertible, or left for the
            # children) is written out whole when it completes a base's
            # value: the base's part may be converted away.
            if key in merged and merged[key] != config_file.values[key] and \
                    _written_value(config_file.values[key], merged[key]) != \
                    config_file.values[key]:
                emitted[key] = merged[key]
        if config_file.import_lines and (own_removed or emitted):
            findings_extra.append(Finding(
                'config-import-statement', 'warning', 'import',
                f'line {config_file.import_lines[0]}: MMEngine 0.10 reads a config with '
                'import statements in its lazy-import mode, where calling an imported '
                'function fails when the config loads; write the values it computes instead',
                line=config_file.import_lines[0]))
        findings = [f for f in translation.findings
                    if f.key.split('.')[0] in config_file.values
                    or _FINDING_NEW_KEY.get(f.key) in emitted] + findings_extra
        if not own_removed and not emitted:
            # Nothing to rewrite (or already rewritten): what still needs a
            # hand is reported, the file stays as it is.
            return {}, set(), [f for f in findings if f.severity != 'info'
                               and f.rule != 'legacy-key-kept']
        return emitted, own_removed, findings

    def _convert(self, path: Path) -> FileResult:
        config_file = self.tree.file(path)
        base_new: dict = {}
        for base in config_file.bases:
            base_new = merge(base_new, self.converted_config(base), has_delete=False)
        emitted, removed, findings = self._plan(path, base_new)
        findings = findings + _chained_legacy_assignments(config_file) + \
            self._data_bases_findings(config_file)
        for finding in findings:
            finding.file = str(path)
            legacy = finding.key.split('.')[0]
            finding.line = finding.line or config_file.lines.get(legacy)
        if not emitted and not removed and all(f.severity == 'info' for f in findings):
            return FileResult(path, config_file.source, config_file.source, findings)
        try:
            new_source = rewrite_source(config_file, removed, emitted, findings)
        except RewriteError as e:
            error = Finding('rewrite-refused', 'error', next(iter(removed), 'config'),
                            str(e), file=str(path))
            return FileResult(path, config_file.source, config_file.source, [error])
        return FileResult(path, config_file.source, new_source, findings, sorted(removed))

    def _data_bases_findings(self, config_file) -> List[Finding]:
        findings = []
        for base in config_file.bases:
            values = self.tree.file(base).values
            legacy = sorted(k for k in values if k in LEGACY_KEYS)
            if self.tree.file(base).data_format and legacy:
                findings.append(Finding(
                    'base-not-python', 'warning', '_base_',
                    f'{base.name} is {self.tree.file(base).data_format.upper()}: mmmigrate '
                    f'does not rewrite it; the MMEngine keys its {", ".join(legacy)} give are '
                    'written here, where MMEngine merges them over it (its legacy keys stay, '
                    'unread)'))
        return findings

    def flatten(self, path: Path) -> FileResult:
        """One self-contained MMEngine config for ``path``."""
        path = absolute(path)
        config_file = self.tree.file(path)
        merged = self.tree.merged(path)
        translation = translate_config(merged)
        config = {k: v for k, v in merged.items()
                  if k != '_base_' and k not in translation.removed}
        config.update(translation.new)
        for finding in translation.findings:
            finding.file = str(path)
        header = f'# Converted by mmmigrate from {path.name} and its _base_ files.\n'
        body = '\n'.join(_todo_lines(translation.findings, key) + render_assignment(key, value)
                         for key, value in config.items())
        return FileResult(path, config_file.source, header + body + '\n',
                          translation.findings, translation.removed)


def _todo_lines(findings: List[Finding], new_key: Optional[str],
                placement: Optional[dict] = None) -> str:
    """``# TODO(mmmigrate)`` lines for the warnings and errors that belong
    next to ``new_key``, wrapped to the config's line width."""
    placement = placement or {}
    lines = []
    for finding in findings:
        where = placement.get(finding.key, _FINDING_NEW_KEY.get(finding.key, finding.key))
        if finding.severity != 'info' and where == new_key:
            lines.extend(textwrap.wrap(f'[{finding.rule}] {finding.message}', width=79,
                                       initial_indent=TODO, subsequent_indent='#   ',
                                       break_on_hyphens=False))
    return ''.join(line + '\n' for line in lines)


def _after_names_it_uses(value, variables, statements, at: Optional[int],
                         until: int) -> Optional[int]:
    """Where a new key's assignment of ``value`` goes: before statement
    ``at`` (None: at the end), or later, right after the last statement
    before ``until`` that assigns a name the written value uses
    (``val_interval=interval`` with ``interval`` assigned below the runner
    it replaces), so the name is defined there."""
    try:
        used = _names_written(value, variables) & variables
    except RecursionError:
        raise RewriteError('the converted value is nested too deeply to write; convert this '
                           'file by hand') from None
    if not used:
        return at
    last = max((index for index, statement in enumerate(statements[:until])
                if statement.assigned in used), default=None)
    if last is None or (at is not None and last < at):
        return at
    return last + 1 if last + 1 < len(statements) else None


def _names_written(value, variables) -> Set[str]:
    """The names the text of ``value`` uses once written (render.py): a
    value read through a variable the file defines, and the names in kept
    expressions (every identifier of an opaque one's source: a superset)."""
    if variable_of(value) in variables:
        return {variable_of(value)}
    if isinstance(value, Folded):
        return set(value.names) if value.names <= variables else set()
    if isinstance(value, Opaque):
        return set(_WORD.findall(value.source))
    if isinstance(value, dict):
        return set().union(*(_names_written(v, variables) for v in value.values()))
    if isinstance(value, (list, tuple)):
        return set().union(*(_names_written(v, variables) for v in value))
    return set()


def _chained_legacy_assignments(config_file) -> List[Finding]:
    """``optimizer = other = dict(...)``: the reader takes no value from a
    statement that assigns several names, so such a legacy key is neither
    converted nor removed; say so."""
    findings = []
    for statement in config_file.statements:
        node = statement.node
        if isinstance(node, ast.Assign) and len(node.targets) > 1:
            for target in node.targets:
                # train_cfg / test_cfg / model: model settings that may move
                if isinstance(target, ast.Name) and (target.id in LEGACY_KEYS or target.id in (
                        'train_cfg', 'test_cfg', 'model')):
                    findings.append(Finding(
                        'legacy-key-chained', 'error', target.id,
                        f'{target.id} is assigned together with other names; write '
                        f'`{target.id} = ...` as a statement of its own and run mmmigrate '
                        'again', line=node.lineno))
    return findings


class RewriteError(Exception):
    """The file cannot be rewritten safely; it is left as it is."""


def rewrite_source(config_file, removed: set, emitted: dict,
                   findings: List[Finding]) -> str:
    """The file's text without the top-level assignments of ``removed``,
    each new key of ``emitted`` written where the first legacy key it
    replaces was (keys with no such anchor go where the first removed key
    was, or at the end), and ``# TODO(mmmigrate)`` lines for what needs a
    hand. Everything else — comments, blank lines, formatting — is copied
    as it is, line for line."""
    source = config_file.source.replace('\r\n', '\n')
    if '\n' not in source:  # classic Mac OS line ends (written back as they were)
        source = source.replace('\r', '\n')
    lines = split_lines(source)
    if lines and not lines[-1].endswith('\n'):
        lines[-1] += '\n'
    own_values = config_file.values
    statements = config_file.statements
    removed = set(removed)
    rendered = {}
    for key, value in emitted.items():
        if key in own_values and key not in removed:
            # The file assigns this key itself: its assignment is replaced.
            value = _written_value(own_values[key], value)
            removed.add(key)
        rendered[key] = value
    variables = frozenset(k for k in own_values if k not in removed)
    _check_own_lines(statements, removed)
    position, last_position = {}, {}
    for index, statement in enumerate(statements):
        if statement.assigned:
            position.setdefault(statement.assigned, index)
            last_position[statement.assigned] = index
    first_removed = min((position[k] for k in removed if k in position), default=None)
    anchors: Dict[Optional[int], List[str]] = {}
    texts = {}  # key -> its rendered assignment
    for key in rendered:
        sources = [position[k] for k in NEW_KEY_SOURCES.get(key, (key, ))
                   if k in position and k in removed]
        at = min(sources) if sources else first_removed
        texts[key] = render_assignment(key, rendered[key], variables)
        _check_parses(texts[key])
        # the value comes from the last assignment of its legacy keys: names
        # assigned up to there may be used
        until = max((last_position[k] for k in NEW_KEY_SOURCES.get(key, (key, ))
                     if k in last_position and k in removed), default=len(statements))
        anchors.setdefault(_after_names_it_uses(rendered[key], variables, statements, at,
                                                until),
                           []).append(key)
    kept_legacy = {f.key.split('.')[0] for f in findings} & set(own_values) - removed
    legacy_findings = findings
    findings = [f for f in findings if f.key.split('.')[0] not in kept_legacy]
    placement = {f.key: next(iter(rendered), None) for f in findings
                 if _FINDING_NEW_KEY.get(f.key, f.key) not in rendered}

    def block(keys) -> str:
        return ''.join(_todo_lines(findings, key, placement) + texts[key] + '\n'
                       for key in keys)

    out, cursor = [], 0  # cursor: index of the next line not yet copied
    for index, statement in enumerate(statements):
        first, last = statement.first_line - 1, statement.last_line  # 0-based, exclusive
        out.extend(lines[cursor:first])  # comments and blank lines above it
        out.append(block(anchors.pop(index, [])))
        name = statement.assigned
        if name is not None and name in removed:
            trailing = lines[last - 1][_byte_to_char(lines[last - 1],
                                                     statement.end_column):].strip()
            if trailing.startswith('#'):
                out.append(trailing + '\n')  # a comment after the removed value stays
        else:
            if name is not None and name in kept_legacy:
                own = [f for f in legacy_findings if f.key.split('.')[0] == name]
                notes = _todo_lines(own, None, {f.key: None for f in own}) + ''.join(
                    line + '\n' for f in own if f.rule == 'legacy-key-kept'
                    for line in textwrap.wrap(f.message, width=79, initial_indent=NOTE,
                                              subsequent_indent='#   ',
                                              break_on_hyphens=False))
                if notes not in source:  # written by an earlier run: not again
                    out.append(notes)
            out.extend(lines[first:last])
        cursor = last
    out.extend(lines[cursor:])
    out.append(block([k for keys in anchors.values() for k in keys]))
    new_source = ''.join(out)
    # Whole top-level statements were removed (each on lines of its own) and
    # whole statements, each parsed above, inserted between statements: the
    # result parses. Layouts where that reasoning is thin (line
    # continuations, several statements on a line) are parsed whole again.
    if '\\\n' in source or ';' in source:
        _check_parses(new_source)
    return new_source


def _check_parses(text: str) -> None:
    """Never hand back text that does not parse."""
    try:
        ast.parse(text)
    except SyntaxError as e:
        raise RewriteError(f'the converted text would not parse ({e.msg}); convert this file '
                           'by hand') from None
    except (RecursionError, MemoryError, ValueError) as e:  # nested past Python's limits
        raise RewriteError(f'the converted text is nested too deeply for Python to read back '
                           f'({type(e).__name__}); convert this file by hand') from None


def _check_own_lines(statements, removed: set) -> None:
    """A removed statement must have its lines to itself (no ``a = 1; b = 2``)."""
    for index, statement in enumerate(statements):
        if statement.assigned not in removed:
            continue
        for other in statements[max(0, index - 1):index + 2]:
            if other is not statement and not (other.last_line < statement.first_line
                                               or other.first_line > statement.last_line):
                raise RewriteError(f'line {statement.first_line}: {statement.assigned} shares '
                                   'its line with another statement; put it on its own line '
                                   'and run mmmigrate again')


def _byte_to_char(line: str, byte_offset: int) -> int:
    """ast columns count UTF-8 bytes; str indices count characters."""
    return len(line.encode('utf-8')[:byte_offset].decode('utf-8', errors='ignore'))


def _written_value(own, override):
    """What the file's own assignment of a key becomes once ``override`` is
    written over it (see rewrite_source)."""
    if isinstance(own, dict) and isinstance(override, dict) and not override.get('_delete_'):
        return merge(own, override)
    return override


def _still_read(config_file, removed: Set[str]) -> Set[str]:
    """The keys of ``removed`` that a statement staying in the file reads
    (``work_dir = f'...{total_epochs}'``): removing them would break it."""
    # A name read anywhere appears in the text more than once (its own
    # assignment, and the read): only those need the statements walked.
    words = _WORD.findall(config_file.source)
    counts = {key: 0 for key in removed}
    for word in words:
        if word in counts:
            counts[word] += 1
    candidates = {key for key, count in counts.items() if count > 1}
    if not candidates:
        return set()
    lines = split_lines(config_file.source)
    staying_reads = set()
    for statement in config_file.statements:
        if statement.assigned not in removed and candidates.intersection(_WORD.findall(
                ''.join(lines[statement.first_line - 1:statement.last_line]))):
            staying_reads |= statement.reads
    return candidates & staying_reads
