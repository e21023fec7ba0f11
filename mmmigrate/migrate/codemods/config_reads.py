"""Reads of legacy config keys in scripts (``cfg.data``, ``cfg.seed``,
``cfg.get('total_epochs')``): once ``mmmigrate config`` has converted the
configs, those keys are gone and the script fails where it reads them.

Nothing is rewritten (the value a script wants from ``cfg.data.train``
has no one-to-one place in ``train_dataloader``); each read is reported
with the MMEngine keys the legacy key became. The config object is a name
bound by ``Config.fromfile(...)`` or called ``cfg`` / ``config``.
"""
import ast
from typing import Dict, List, Optional

from ..translate.config import LEGACY_KEYS, NEW_KEY_SOURCES
from ..translate.values import Finding
from .text_edits import all_nodes, dotted_name

CONFIG_NAMES = {'cfg', 'config'}


def _replacements(key: str) -> str:
    new = [new for new, sources in NEW_KEY_SOURCES.items() if key in sources]
    return ', '.join(new) if new else 'no MMEngine key (it is dropped)'


def _config_names(tree: ast.Module) -> set:
    """``cfg`` / ``config``, and every name bound by ``X.fromfile(...)``."""
    names = set(CONFIG_NAMES)
    for node in all_nodes(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and \
                (dotted_name(node.value.func) or '').endswith('.fromfile'):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def _string(node) -> Optional[str]:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) \
        else None


def _read(node, names: set):
    """(config name, legacy key, how it was spelled) for a read of a
    legacy key, else None."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and \
            node.value.id in names:
        return node.value.id, node.attr, f'.{node.attr}'
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and \
            node.value.id in names and _string(node.slice) is not None:
        return node.value.id, _string(node.slice), f"['{_string(node.slice)}']"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
            node.func.attr == 'get' and isinstance(node.func.value, ast.Name) and \
            node.func.value.id in names and node.args and _string(node.args[0]) is not None:
        key = _string(node.args[0])
        return node.func.value.id, key, f".get('{key}')"
    return None


def find_legacy_config_reads(tree: ast.Module) -> Dict[str, object]:
    """Report the reads in a parsed module: {'findings', 'changes' (none)}."""
    names = _config_names(tree)
    reads = []
    for node in all_nodes(tree):
        read = _read(node, names)
        if read is not None and read[1] in LEGACY_KEYS:
            reads.append((node.lineno, node.col_offset, read))
    findings: List[Finding] = []
    for line, _, (name, key, spelled) in sorted(reads):
        findings.append(Finding(
            'script-legacy-config-key', 'warning', key,
            f'{name}{spelled}: converted configs have no {key!r}; it became '
            f'{_replacements(key)} (read that, or pass the value another way)', line=line))
    return dict(findings=findings, changes=[])


# -- the model's settings read from the config root ----------------------------

MODEL_SETTINGS = ('train_cfg', 'test_cfg')


def _model_setting_argument(call: ast.Call, keyword: ast.keyword) -> bool:
    """``build_x(cfg.model, train_cfg=cfg.get('train_cfg'))``: the keyword
    hands the config root's ``train_cfg`` / ``test_cfg`` to the builder of
    that config's ``model``."""
    if keyword.arg not in MODEL_SETTINGS or not call.args:
        return False
    model = call.args[0]
    if not (isinstance(model, ast.Attribute) and model.attr == 'model' and
            isinstance(model.value, ast.Name)):
        return False
    read = _read(keyword.value, {model.value.id})
    return read is not None and read[1] == keyword.arg


def drop_model_settings_arguments(text: str, tree: ast.Module):
    """(new text, findings): ``train_cfg=cfg.get('train_cfg')`` and
    ``test_cfg=...`` dropped from the calls building ``cfg.model``.

    MMCV-era configs kept the model's settings either inside ``model`` (then
    the read gave None) or at top level, which ``mmmigrate config`` moves
    into ``model`` because MMEngine reads top-level ``train_cfg`` /
    ``test_cfg`` as loop configs. Either way the converted model dict carries
    them, and passing the loop configs to the model builder fails (mmdet
    2.x asserts) or configures the model wrongly."""
    from .text_edits import TextEdits
    edits = TextEdits(text, tree)
    findings: List[Finding] = []
    for call in all_nodes(tree):
        if not isinstance(call, ast.Call):
            continue
        arguments = sorted(call.args + call.keywords, key=lambda n: (n.lineno, n.col_offset))
        for previous, keyword in zip(arguments, arguments[1:]):
            if isinstance(keyword, ast.keyword) and _model_setting_argument(call, keyword):
                start = edits.offset(previous.end_lineno, previous.end_col_offset)
                edits.replace(start, edits.span(keyword)[1], '')
                findings.append(Finding(
                    'script-model-settings', 'info', keyword.arg,
                    f'{edits.segment(keyword)} dropped: converted configs keep the model\'s '
                    f'{keyword.arg} inside model (a top-level {keyword.arg} is a loop config '
                    'in MMEngine)', line=keyword.lineno))
    return (edits.apply() if findings else text), findings
