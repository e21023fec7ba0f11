"""Converts one config file, knowing its ``_base_`` chain.

Per-file mode keeps the inheritance: a file loses its own legacy keys and
gains the MMEngine keys whose value differs from what its (converted)
bases already give — as the smallest override that MMEngine's merge turns
into the right value (``_delete_=True`` where a key must disappear).
``flatten`` writes one self-contained config instead.

The source is edited with libcst: statements that are not legacy keys keep
their text, comments and formatting; new keys are written where the first
legacy key was.
"""
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import libcst as cst

from .reader import ConfigTree, merge, merge_values
from .render import render_assignment
from .translate.config import is_legacy, minimal_override, translate_config
from .translate.values import Finding

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
# The legacy keys each new key replaces: it is written where the first was.
_SOURCES = {
    'optim_wrapper': ('optimizer', 'optimizer_config', 'fp16'),
    'param_scheduler': ('lr_config', 'momentum_config'),
    'train_cfg': ('runner', 'total_epochs', 'evaluation'),
    'val_cfg': ('evaluation', ), 'test_cfg': ('evaluation', ),
    'val_evaluator': ('evaluation', ), 'test_evaluator': ('evaluation', ),
    'default_hooks': ('checkpoint_config', 'log_config', 'evaluation'),
    'log_processor': ('log_config', ), 'visualizer': ('log_config', ),
    'env_cfg': ('dist_params', 'cudnn_benchmark', 'mp_start_method', 'opencv_num_threads'),
    'randomness': ('seed', 'deterministic'),
    'load_from': ('resume_from', 'load_from'), 'resume': ('resume_from', 'auto_resume'),
    'train_dataloader': ('data', ), 'val_dataloader': ('data', ),
    'test_dataloader': ('data', ), 'model': ('model', 'train_cfg', 'test_cfg'),
    'runner_type': ('runner', ), 'model_wrapper_cfg': ('optimizer_config', ),
}


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

    @property
    def flagged(self) -> int:
        return sum(f.severity != 'info' for f in self.findings)


class ConfigConverter:
    """Converts files of one tree consistently: each base is translated
    once, and a child's overrides are computed against its converted bases."""

    def __init__(self, tree: Optional[ConfigTree] = None):
        self.tree = tree or ConfigTree()
        self._converted: Dict[Path, dict] = {}
        self._results: Dict[Path, FileResult] = {}

    def convert(self, path: Path) -> FileResult:
        path = Path(path).resolve()
        if path not in self._results:
            self._results[path] = self._convert(path)
        return self._results[path]

    def converted_config(self, path: Path) -> dict:
        """The MMEngine config ``path`` gives once it and its bases are converted."""
        path = Path(path).resolve()
        if path not in self._converted:
            config_file = self.tree.file(path)
            base_new: dict = {}
            for base in config_file.bases:
                base_new = merge(base_new, self.converted_config(base))
            emitted, removed, _ = self._plan(path, base_new)
            own = {k: v for k, v in config_file.values.items() if k not in removed}
            config = merge_values(base_new, own)
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
        own_removed = {k for k in translation.removed if k in config_file.values}
        emitted = {}
        for key, value in translation.new.items():
            if key in base_new and base_new[key] == value and key not in config_file.values:
                continue
            override = minimal_override(base_new[key], value) if key in base_new else value
            if override == {} and key not in own_removed:
                continue
            emitted[key] = override
        if not own_removed and not emitted:
            return {}, set(), []
        findings = [f for f in translation.findings
                    if f.key.split('.')[0] in config_file.values
                    or _FINDING_NEW_KEY.get(f.key) in emitted]
        return emitted, own_removed, findings

    def _convert(self, path: Path) -> FileResult:
        config_file = self.tree.file(path)
        base_new: dict = {}
        for base in config_file.bases:
            base_new = merge(base_new, self.converted_config(base))
        emitted, removed, findings = self._plan(path, base_new)
        for finding in findings:
            finding.file = str(path)
            legacy = finding.key.split('.')[0]
            finding.line = config_file.lines.get(legacy, finding.line)
        if not emitted and not removed:
            return FileResult(path, config_file.source, config_file.source)
        new_source = rewrite_source(config_file.source, removed, emitted, findings,
                                    config_file.values)
        return FileResult(path, config_file.source, new_source, findings, sorted(removed))

    def flatten(self, path: Path) -> FileResult:
        """One self-contained MMEngine config for ``path``."""
        path = Path(path).resolve()
        config_file = self.tree.file(path)
        config = self.converted_config(path)
        translation = translate_config(self.tree.merged(path))
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


def rewrite_source(source: str, removed: set, emitted: dict, findings: List[Finding],
                   own_values: dict) -> str:
    """``source`` without the top-level assignments of ``removed``, each
    new key of ``emitted`` written where the first legacy key it replaces
    was (keys with no such anchor go where the first removed key was, or at
    the end), and ``# TODO(mmmigrate)`` lines for what needs a hand."""
    module = cst.parse_module(source)
    removed = set(removed)
    rendered = {}
    for key, value in emitted.items():
        if key in own_values and key not in removed:
            # The file assigns this key itself: its assignment is replaced.
            if isinstance(value, dict) and isinstance(own_values[key], dict) \
                    and not value.get('_delete_'):
                value = merge(own_values[key], value)
            removed.add(key)
        rendered[key] = value
    variables = frozenset(k for k in own_values if k not in removed)
    order = [_assigned_name(s) for s in module.body]
    position = {name: i for i, name in reversed(list(enumerate(order))) if name}
    first_removed = min((position[k] for k in removed if k in position), default=None)
    anchors: Dict[Optional[int], List[str]] = {}
    for key in rendered:
        sources = [position[k] for k in _SOURCES.get(key, (key, )) if k in position
                   and k in removed]
        anchors.setdefault(min(sources) if sources else first_removed, []).append(key)
    kept_legacy = {f.key.split('.')[0] for f in findings} - removed
    legacy_findings = findings
    findings = [f for f in findings if f.key.split('.')[0] not in kept_legacy]
    placement = {f.key: next(iter(rendered), None) for f in findings
                 if _FINDING_NEW_KEY.get(f.key, f.key) not in rendered}

    def statements_for(keys):
        text = ''.join(_todo_lines(findings, key, placement)
                       + render_assignment(key, rendered[key], variables) + '\n'
                       for key in keys)
        return _parse_statements(text)

    body, carried = [], []
    for index, statement in enumerate(module.body):
        name = order[index]
        new_statements = statements_for(anchors.pop(index, []))
        if name is not None and name in kept_legacy:
            own = [f for f in legacy_findings if f.key.split('.')[0] == name]
            todo = _todo_lines(own, None, {f.key: None for f in own})
            statement = statement.with_changes(leading_lines=[
                *statement.leading_lines, *_comment_lines(todo)])
        if name is not None and name in removed:
            # The comments above a removed key stay, above what replaces it.
            carried.extend(statement.leading_lines)
            statement = None
        if carried and (new_statements or statement is not None):
            head = new_statements[0] if new_statements else statement
            head = head.with_changes(leading_lines=[*carried, *head.leading_lines])
            if new_statements:
                new_statements[0] = head
            else:
                statement = head
            carried = []
        body.extend(new_statements)
        if statement is not None:
            body.append(statement)
    body.extend(statements_for([k for keys in anchors.values() for k in keys]))
    new_source = module.with_changes(body=body).code
    cst.parse_module(new_source)  # never hand back text that does not parse
    return new_source


def _parse_statements(text: str) -> list:
    """The statements of ``text``; comment lines before the first one stay
    attached to it (libcst would make them the module's header)."""
    if not text:
        return []
    module = cst.parse_module(text)
    body = list(module.body)
    if module.header:
        body[0] = body[0].with_changes(leading_lines=[*module.header, *body[0].leading_lines])
    return body


def _comment_lines(text: str) -> List[cst.EmptyLine]:
    return [cst.EmptyLine(comment=cst.Comment(line)) for line in text.splitlines() if line]


def _assigned_name(statement) -> Optional[str]:
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    assign = statement.body[0]
    if isinstance(assign, cst.Assign) and len(assign.targets) == 1 and \
            isinstance(assign.targets[0].target, cst.Name):
        return assign.targets[0].target.value
    return None
