"""``@auto_fp16(...)`` / ``@force_fp32(...)`` removed from every function
(``mmcv.runner.auto_fp16`` spelled any way): in MMEngine the
``AmpOptimWrapper`` autocasts the whole forward, and the decorators are
gone with MMCV 1.x.

A text edit on the stdlib tree: the decorator's lines go, every other byte
stays (the comments above it, the other decorators). Files that need
nothing else from the model transform never reach libcst this way.
"""
import ast
from typing import List, Set, Tuple

from ..translate.values import Finding
from .text_edits import TextEdits, all_nodes, dotted_name

FP16_DECORATORS = {'auto_fp16', 'force_fp32'}


def _message(short: str) -> str:
    return (f'@{short} removed: in MMEngine the AmpOptimWrapper '
            "(optim_wrapper=dict(type='AmpOptimWrapper', ...)) autocasts the whole forward" +
            ('; use torch.autocast(device_type=..., enabled=False) where fp32 is needed'
             if short == 'force_fp32' else ''))


def drop_fp16_decorators(text: str, tree: ast.Module) -> Tuple[str, List[Finding], Set[str]]:
    """(new text, findings, the decorator names no longer used)."""
    edits = TextEdits(text, tree)
    findings: List[Finding] = []
    consumed: Set[str] = set()
    for node in all_nodes(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            name = dotted_name(target)
            short = name.rsplit('.', 1)[-1] if name else None
            if short not in FP16_DECORATORS:
                continue
            before = edits.line(decorator.lineno)[:decorator.col_offset]
            after = edits.rest_of_line(decorator).strip()
            if before.strip() != '@' or after and not after.startswith('#'):
                findings.append(Finding('model-fp16-decorator', 'warning', short,
                                        f'@{short} shares its line with other code: remove '
                                        'it by hand (' + _message(short) + ')',
                                        line=decorator.lineno))
                continue
            edits.replace(edits.line_start(decorator.lineno),
                          edits.next_line_start(decorator.end_lineno), '')
            consumed.add(short)
            findings.append(Finding('model-fp16-decorator', 'warning', short, _message(short),
                                    line=decorator.lineno))
    return (edits.apply() if consumed else text), findings, consumed
