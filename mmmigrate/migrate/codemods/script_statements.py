"""Reading the statements of a training script: single-statement lines,
``receiver.method(...)`` calls, the names a block binds, and the shapes the
runner conversion looks for (``runner.py``)."""
import ast
import textwrap
from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from ..reader import evaluate
from ..translate.values import Opaque
from .edits import dotted


def code_of(node) -> str:
    return cst.Module([]).code_for_node(node)


def single_statement(node, kind):
    if isinstance(node, cst.SimpleStatementLine) and len(node.body) == 1 and \
            isinstance(node.body[0], kind):
        return node.body[0]
    return None


def method_call(node, receiver: str) -> Optional[Tuple[str, cst.Call]]:
    """(method, call) when ``node`` is the line ``receiver.method(...)``."""
    expr = single_statement(node, cst.Expr)
    if expr is None or not isinstance(expr.value, cst.Call):
        return None
    func = expr.value.func
    if isinstance(func, cst.Attribute) and dotted(func.value) == receiver:
        return func.attr.value, expr.value
    return None


def optimizer_dict(source: str, names: dict) -> Optional[List[Tuple[str, str]]]:
    """[(name, optimizer source)] for ``dict(gen=opt_g, disc=opt_d)``,
    ``{'gen': opt_g, ...}`` or a variable bound to one, else None."""
    bound = names.get(source.strip()) if source.strip().isidentifier() else None
    if isinstance(bound, dict) and bound and all(
            isinstance(k, str) and k.isidentifier() and isinstance(v, Opaque)
            for k, v in bound.items()):
        return [(k, f"{source.strip()}['{k}']") for k in bound]
    try:
        node = cst.parse_expression(source)
    except cst.ParserSyntaxError:
        return None
    if isinstance(node, cst.Call) and dotted(node.func) == 'dict' and node.args and \
            all(a.keyword is not None for a in node.args):
        return [(a.keyword.value, code_of(a.value)) for a in node.args]
    if isinstance(node, cst.Dict) and node.elements and all(
            isinstance(e, cst.DictElement) and isinstance(e.key, cst.SimpleString) and
            e.key.evaluated_value.isidentifier() for e in node.elements):
        return [(e.key.evaluated_value, code_of(e.value)) for e in node.elements]
    return None


def bound_names(statements, names=None) -> Dict[str, object]:
    """Values of the names the statements bind (``lr_config = dict(...)``),
    evaluated as the config reader does, on top of ``names``; the rest are
    opaque."""
    names = {} if names is None else names
    for statement in statements:
        assign = single_statement(statement, cst.Assign)
        if assign is not None and len(assign.targets) == 1 and \
                isinstance(assign.targets[0].target, cst.Name):
            names[assign.targets[0].target.value] = evaluate(code_of(assign.value), names)
    return names


def assigns_name(statement, name: str) -> bool:
    assign = single_statement(statement, cst.Assign)
    return assign is not None and len(assign.targets) == 1 and \
        isinstance(assign.targets[0].target, cst.Name) and \
        assign.targets[0].target.value == name


def only_loads(statement, name: str) -> bool:
    """An ``if`` chain whose branches only call ``name.resume`` /
    ``name.load_checkpoint``."""
    if not isinstance(statement, cst.If):
        return False
    branch = statement
    while branch is not None:
        if not isinstance(branch.body, cst.IndentedBlock) or not all(
                (method_call(s, name) or ('',))[0] in ('resume', 'load_checkpoint')
                for s in branch.body.body):
            return False
        branch = branch.orelse
        if isinstance(branch, cst.Else):
            return only_loads(cst.If(test=cst.Name('x'), body=branch.body), name)
    return True


def assigns_attribute(statement, name: str) -> bool:
    assign = single_statement(statement, cst.Assign)
    return assign is not None and any(
        isinstance(t.target, cst.Attribute) and dotted(t.target.value) == name
        for t in assign.targets)


def assigned(statement) -> Set[str]:
    """The names a statement binds anywhere inside it (``x = ...``,
    ``for x in ...``, ``with ... as x``, ``import x``)."""
    try:
        tree = ast.parse(textwrap.dedent(code_of(statement)))
    except SyntaxError:
        return set()
    names = {node.id for node in ast.walk(tree)
             if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
    names.update((alias.asname or alias.name).split('.')[0] for node in ast.walk(tree)
                 if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names)
    return names
