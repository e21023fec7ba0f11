"""The MMCV version guard of a package's ``__init__``: OpenMMLab libraries
(and the projects copying them) assert the installed MMCV at import::

    mmcv_maximum_version = '1.7.0'
    assert digit_version(mmcv_minimum_version) <= mmcv_version \\
        <= digit_version(mmcv_maximum_version), ...

Converted, the package runs on MMCV 2.x (mmcv-lite) with MMEngine, so the
assertion would stop every import. The maximum is raised to the newest MMCV
2.x the converted code is checked against (``MMCV2_NEWEST``, inclusive; the
next minor for a strict ``<``); the minimum stays, so the guard still
refuses the MMCV 1.x releases the package never supported, and still passes
under the ``mmcv`` shim (which reports 1.7.0).
"""
import ast
import re
from typing import List, Set

from ..translate.values import Finding
from .text_edits import TextEdits, dotted_name

MMCV2_NEWEST = '2.2.0'  # mmcv-lite 2.2.0: what the converted corpora are imported with
MMCV2_NEXT = '2.3.0'
_MAXIMUM_NAME = re.compile(r'mmcv.*max|max.*mmcv', re.I)
_LEGACY_VERSION = re.compile(r'1(\.\d+){1,2}')


def _names_in(node) -> Set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _reads_mmcv_version(tree: ast.Module) -> bool:
    return any(isinstance(n, ast.Attribute) and dotted_name(n) == 'mmcv.__version__'
               for n in ast.walk(tree))


def _strict(tree: ast.Module, name: str) -> bool:
    """Whether the guard compares with ``<`` against ``name`` (or a value
    computed from it, ``digit_version(MMCV_MAX)``)."""
    derived = {name}
    for node in tree.body:
        if isinstance(node, ast.Assign) and _names_in(node.value) & derived:
            derived |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            for op, right in zip(node.ops, node.comparators):
                if _names_in(right) & derived:
                    return isinstance(op, ast.Lt)
    return False


def raise_version_guard(text: str, tree: ast.Module):
    """(new text, findings): module-level ``<mmcv max> = '1.x.y'`` raised to
    MMCV 2.x where the module reads ``mmcv.__version__``."""
    findings: List[Finding] = []
    if not _reads_mmcv_version(tree):
        return text, findings
    edits = TextEdits(text, tree)
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and
                isinstance(node.targets[0], ast.Name) and
                _MAXIMUM_NAME.search(node.targets[0].id) and
                isinstance(node.value, ast.Constant) and isinstance(node.value.value, str) and
                _LEGACY_VERSION.fullmatch(node.value.value)):
            continue
        name, old = node.targets[0].id, node.value.value
        new = MMCV2_NEXT if _strict(tree, name) else MMCV2_NEWEST
        literal = edits.segment(node.value)
        quote = literal[-1]
        edits.replace_node(node.value, f'{literal[:literal.index(quote)]}{quote}{new}{quote}')
        findings.append(Finding(
            'mmcv-version-guard', 'info', name,
            f'{name} raised from {old} to {new}: the converted package runs on MMCV 2.x with '
            'MMEngine; the minimum version is kept', line=node.lineno))
    return (edits.apply() if findings else text), findings
