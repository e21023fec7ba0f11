"""Small libcst tree edits the statement-rebuilding transforms (models,
runner scripts) share: dotted names, name counts, adding an import."""
from typing import Optional

import libcst as cst


def dotted(node) -> Optional[str]:
    """'a.b.c' for a Name/Attribute chain, None for anything else."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        head = dotted(node.value)
        return None if head is None else f'{head}.{node.attr.value}'
    return None


def root_name(node) -> Optional[str]:
    """The name an expression like ``a['x'].b`` starts from."""
    while isinstance(node, (cst.Attribute, cst.Subscript, cst.Call)):
        node = node.func if isinstance(node, cst.Call) else node.value
    return node.value if isinstance(node, cst.Name) else None


class _NameCount(cst.CSTVisitor):
    """How often a name is read or bound (attribute names do not count)."""

    def __init__(self, name: str):
        super().__init__()
        self.name, self.count = name, 0

    def visit_Name(self, node) -> None:
        if node.value == self.name:
            self.count += 1

    def visit_Attribute(self, node) -> bool:
        node.value.visit(self)
        return False


def name_count(node: cst.CSTNode, name: str) -> int:
    """How often ``node`` reads or binds ``name`` (``x.name`` does not count)."""
    visitor = _NameCount(name)
    node.visit(visitor)
    return visitor.count


def without_names(statement, unwanted):
    """An import statement without the aliases ``unwanted(alias)`` picks:
    the statement itself when none is, a removal when all are."""
    names = [a for a in statement.names if not unwanted(a)]
    if len(names) == len(statement.names):
        return statement
    if not names:
        return cst.RemoveFromParent()
    names[-1] = names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return statement.with_changes(names=names)


def _imports(statement, module_name: str, name: str, asname: Optional[str]) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and any(
        isinstance(s, cst.ImportFrom) and s.module is not None
        and dotted(s.module) == module_name and not isinstance(s.names, cst.ImportStar)
        and any(dotted(a.name) == name and
                (a.asname.name.value if a.asname else None) == asname for a in s.names)
        for s in statement.body)


def add_import(module: cst.Module, module_name: str, name: str,
               asname: Optional[str] = None) -> cst.Module:
    """``from module_name import name [as asname]`` at the end of the
    module's first block of imports (after a docstring), unless it is there
    already."""
    body = list(module.body)
    if any(_imports(s, module_name, name, asname) for s in body):
        return module
    last = 0 if body and _is_docstring(body[0]) else -1
    group = None  # the last import of the MMCV / MMEngine group
    for index in range(last + 1, len(body)):
        statement = body[index]
        if not (isinstance(statement, cst.SimpleStatementLine) and all(
                isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body)):
            break
        last = index
        if any(_root(s) in OPENMMLAB_GROUP for s in statement.body):
            group = index
    # beside the MMCV imports it replaces, so the file's import groups hold
    # (third-party before first-party): else at the end of the block
    at = group if group is not None else last
    alias = f' as {asname}' if asname else ''
    line = cst.parse_statement(f'from {module_name} import {name}{alias}\n')
    return module.with_changes(body=body[:at + 1] + [line] + body[at + 1:])


OPENMMLAB_GROUP = {'mmcv', 'mmengine', 'mmmigrate'}


def _root(statement) -> Optional[str]:
    """The top-level package an import statement reads from (None: relative)."""
    if isinstance(statement, cst.ImportFrom):
        if statement.relative or statement.module is None:
            return None
        node = statement.module
    else:
        node = statement.names[0].name
    while isinstance(node, cst.Attribute):
        node = node.value
    return node.value if isinstance(node, cst.Name) else None


def _is_docstring(statement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1 and \
        isinstance(statement.body[0], cst.Expr) and \
        isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
