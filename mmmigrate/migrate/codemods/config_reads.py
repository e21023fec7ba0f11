"""Reads of legacy config keys in scripts (``cfg.data``, ``cfg.seed``,
``cfg.get('total_epochs')``): once ``mmmigrate config`` has converted the
configs, those keys are gone and the script fails where it reads them.

Nothing is rewritten (the value a script wants from ``cfg.data.train``
has no one-to-one place in ``train_dataloader``); each read is reported
with the MMEngine keys the legacy key became. The config object is a name
bound by ``Config.fromfile(...)`` or called ``cfg`` / ``config``.
"""
from typing import Dict, List, Optional, Set

import libcst as cst

from ..translate.config import LEGACY_KEYS, NEW_KEY_SOURCES
from ..translate.values import Finding
from .edits import dotted
from .positions import LineResolver

CONFIG_NAMES = {'cfg', 'config'}


def _replacements(key: str) -> str:
    new = [new for new, sources in NEW_KEY_SOURCES.items() if key in sources]
    return ', '.join(new) if new else 'no MMEngine key (it is dropped)'


class LegacyConfigReads(cst.CSTVisitor):

    def __init__(self, lines: LineResolver):
        super().__init__()
        self._lines = lines
        self.findings: List[Finding] = []
        self._config_names: Set[str] = set(CONFIG_NAMES)
        self._reported: Set[int] = set()

    def visit_Assign(self, node) -> None:
        # cfg = Config.fromfile(...) under any name
        if isinstance(node.value, cst.Call) and \
                (dotted(node.value.func) or '').endswith('.fromfile'):
            for target in node.targets:
                if isinstance(target.target, cst.Name):
                    self._config_names.add(target.target.value)

    def visit_Attribute(self, node) -> None:
        if isinstance(node.value, cst.Name) and node.value.value in self._config_names:
            self._report(node, node.value.value, node.attr.value, f'.{node.attr.value}')

    def visit_Subscript(self, node) -> None:
        if isinstance(node.value, cst.Name) and node.value.value in self._config_names and \
                len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index) and \
                isinstance(node.slice[0].slice.value, cst.SimpleString):
            key = node.slice[0].slice.value.evaluated_value
            self._report(node, node.value.value, key, f"['{key}']")

    def visit_Call(self, node) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == 'get' and \
                isinstance(func.value, cst.Name) and func.value.value in self._config_names \
                and node.args and isinstance(node.args[0].value, cst.SimpleString):
            key = node.args[0].value.evaluated_value
            self._report(node, func.value.value, key, f".get('{key}')")

    def _report(self, node, name: str, key: Optional[str], spelled: str) -> None:
        if key not in LEGACY_KEYS or id(node) in self._reported:
            return
        self._reported.add(id(node))
        self.findings.append(self._lines.finding(
            node, 'script-legacy-config-key', 'warning', key,
            f'{name}{spelled}: converted configs have no {key!r}; it became '
            f'{_replacements(key)} (read that, or pass the value another way)'))


def find_legacy_config_reads(module: cst.Module) -> Dict[str, object]:
    """Report the reads: {'module' (unchanged), 'findings', 'changes'}."""
    lines = LineResolver(module)
    visitor = LegacyConfigReads(lines)
    module.visit(visitor)
    lines.resolve()
    return dict(module=module, findings=visitor.findings, changes=[])
