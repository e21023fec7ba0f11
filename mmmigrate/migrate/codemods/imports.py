"""Import moves: ``from mmcv.runner import X`` and ``mmcv.X`` to where each
name lives in the MMEngine stack (``rules/imports.yaml``).

A moved name keeps its local name (``from mmengine.model import
is_model_wrapper as is_module_wrapper``), so the code using it is not
touched. A name that has no drop-in replacement stays imported from its
old place, with a finding and a ``# TODO(mmmigrate)`` saying what to use
instead; names that still exist in MMCV 2.x are left alone.
"""
import ast
import textwrap
from typing import Dict, List, Optional, Sequence, Tuple

import libcst as cst

from ...rules.import_table import lookup
from ..translate.values import Finding
from .edits import dotted, used_names

TODO = 'TODO(mmmigrate): '


def _attribute_chain(dotted: str):
    parts = dotted.split('.')
    node = cst.Name(parts[0])
    for part in parts[1:]:
        node = cst.Attribute(value=node, attr=cst.Name(part))
    return node


class ImportMoves(cst.CSTTransformer):
    """Rewrites the imports of one module; ``findings`` lists what needs a
    human (with the line of the statement)."""

    def __init__(self, import_lines: List[int], droppable=frozenset()):
        super().__init__()
        # line of each import statement, in the order they are visited (from
        # the stdlib parser: libcst's positions would cost a second codegen)
        self._import_lines = list(import_lines)
        self._next_import = 0
        self._line: Optional[int] = None
        self._droppable = droppable  # names an earlier transform made unused
        self.findings: List[Finding] = []
        self.moved: List[str] = []  # the names imported from their new homes
        self.changed = False
        self._mmcv_bound = False  # `import mmcv` seen
        self._needed_modules: List[str] = []  # `import x.y` to add for mmcv.X rewrites

    def visit_SimpleStatementLine(self, node) -> bool:
        # Only imports matter until `import mmcv` binds the name: skip the
        # expressions of every other line (most of a file).
        return self._mmcv_bound or any(isinstance(s, (cst.Import, cst.ImportFrom))
                                       for s in node.body)

    def visit_Module(self, node) -> bool:
        self.read_header(node)
        return True

    def read_header(self, module: cst.Module) -> None:
        """TODO lines already written by an earlier run (the first
        statement's comments are the module's header in libcst)."""
        self._existing = {line.comment.value for line in module.header if line.comment}

    def visit_Import(self, node) -> bool:
        self._take_line()
        return False

    def visit_ImportFrom(self, node) -> bool:
        self._take_line()
        return False

    def _take_line(self) -> None:
        index = self._next_import
        self._line = self._import_lines[index] if index < len(self._import_lines) else None
        self._next_import += 1

    # -- from mmcv.X import ... ---------------------------------------------

    def leave_SimpleStatementLine(self, original, updated):
        if len(updated.body) != 1:
            return updated
        statement = updated.body[0]
        line = self._line  # of this import statement
        if isinstance(statement, cst.ImportFrom) and not statement.relative:
            return self._rewrite_import_from(updated, statement, line)
        if isinstance(statement, cst.Import):
            return self._check_import(updated, statement, line)
        return updated

    def _rewrite_import_from(self, line_node, statement: cst.ImportFrom, line: int):
        module = dotted(statement.module) if statement.module else None
        if module is None or module != 'mmcv' and not module.startswith('mmcv.'):
            return line_node
        if isinstance(statement.names, cst.ImportStar):
            self._find('import-star', 'warning', module, line,
                       f'from {module} import *: name the imports so mmmigrate can move them')
            return line_node
        kept: List[cst.ImportAlias] = []
        moved: Dict[str, List[cst.ImportAlias]] = {}
        todos: List[str] = []
        dropped = False
        for alias in statement.names:
            name = dotted(alias.name)
            kind, entry = lookup(module, name)
            local = alias.asname.name.value if alias.asname else name
            if local in self._droppable:
                dropped = True  # replaced by an earlier transform, which reported it
                continue
            if kind == 'move':
                new_name = entry.get('name', name)
                local = alias.asname.name.value if alias.asname else name
                asname = None if local == new_name else cst.AsName(name=cst.Name(local))
                moved.setdefault(entry['to'], []).append(
                    cst.ImportAlias(name=_attribute_chain(new_name), asname=asname))
                self.moved.append(name)
                if entry.get('note'):
                    message = f'{name} moved to {entry["to"]} but changed: {entry["note"]}'
                    self._find('import-moved-changed', 'warning', name, line, message)
                    todos.append(f'[import-moved-changed] {message}')
            else:
                kept.append(alias.with_changes(comma=cst.MaybeSentinel.DEFAULT))
                if kind == 'removed':
                    message = f'{name} ({module}) has no drop-in replacement: {entry["removed"]}'
                    self._find('import-removed', 'warning', name, line, message)
                    todos.append(f'[import-removed] {message}')
        if not moved and not kept and dropped:
            self.changed = True
            return cst.RemoveFromParent()
        if not moved:
            if dropped:
                self.changed = True
                line_node = line_node.with_changes(body=[statement.with_changes(names=kept)])
            return self._with_todos(line_node, todos)
        self.changed = True
        statements = []
        if kept:
            statements.append(line_node.with_changes(body=[statement.with_changes(names=kept)]))
        for target, aliases in moved.items():
            statements.append(cst.SimpleStatementLine(body=[cst.ImportFrom(
                module=_attribute_chain(target), names=aliases)]))
        first = statements[0].with_changes(leading_lines=line_node.leading_lines)
        statements[0] = self._with_todos(first, todos)
        if not kept:  # the original line's trailing comment goes with the first new one
            statements[0] = statements[0].with_changes(
                trailing_whitespace=line_node.trailing_whitespace)
        return cst.FlattenSentinel(statements)

    def _check_import(self, line_node, statement: cst.Import, line: int):
        for alias in statement.names:
            name = dotted(alias.name)
            if name == 'mmcv' and alias.asname is None:
                self._mmcv_bound = True
            elif name and name.startswith('mmcv.'):
                if lookup(name, '__any_name__')[0] == 'removed':  # the package is gone
                    self._find('import-module-removed', 'warning', name, line,
                               f'import {name}: the package is gone in MMCV 2.x; import the '
                               'names you use with `from ... import` so mmmigrate can move them')
        return line_node

    # -- mmcv.X attribute uses ------------------------------------------------

    def leave_Attribute(self, original, updated):
        if not self._mmcv_bound:
            return updated
        name_path = dotted(updated)
        if name_path is None or not name_path.startswith('mmcv.'):
            return updated
        module, name = name_path.rsplit('.', 1)
        kind, entry = lookup(module, name)
        if kind != 'move':
            return updated
        self.changed = True
        self.moved.append(name_path)
        if entry['to'] not in self._needed_modules:
            self._needed_modules.append(entry['to'])
        return _attribute_chain(f'{entry["to"]}.{entry.get("name", name)}')

    def leave_Module(self, original, updated):
        if not self._needed_modules:
            return updated
        imports = [cst.SimpleStatementLine(body=[cst.Import(names=[
            cst.ImportAlias(name=_attribute_chain(module))])]) for module in self._needed_modules]
        body = list(updated.body)
        index = next((i for i, s in enumerate(body) if _imports_mmcv(s)), 0)
        still_used = 'mmcv' in used_names(updated)
        if not still_used and _imports_mmcv(body[index]) and len(body[index].body) == 1 \
                and len(body[index].body[0].names) == 1:
            # `import mmcv` served only names that moved: MMCV 2.x may not be installed
            first = imports[0].with_changes(leading_lines=body[index].leading_lines)
            return updated.with_changes(body=body[:index] + [first] + imports[1:]
                                        + body[index + 1:])
        return updated.with_changes(body=body[:index + 1] + imports + body[index + 1:])

    # -- helpers --------------------------------------------------------------

    def _find(self, rule: str, severity: str, key: str, line, message: str) -> None:
        self.findings.append(Finding(rule, severity, key, message, line=line))

    def _with_todos(self, line_node, todos: Sequence[str]):
        """``# TODO(mmmigrate)`` lines above the statement, each once (a
        second run finds them already there)."""
        existing = self._existing | {line.comment.value for line in line_node.leading_lines
                                     if line.comment}
        new = []
        for todo in todos:
            lines = textwrap.wrap(todo, width=79, initial_indent=f'# {TODO}',
                                  subsequent_indent='#   ', break_on_hyphens=False)
            if lines[0] not in existing:
                new.extend(cst.EmptyLine(comment=cst.Comment(line)) for line in lines)
        if not new:
            return line_node
        return line_node.with_changes(leading_lines=[*line_node.leading_lines, *new])


def _imports_mmcv(statement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and any(
        isinstance(s, cst.Import) and any(dotted(a.name) == 'mmcv' for a in s.names)
        for s in statement.body)


def move_imports(module: cst.Module, consumed=frozenset(), tree: Optional[ast.Module] = None
                 ) -> Tuple[cst.Module, List[Finding], List[str]]:
    """``module`` with its MMCV imports moved, the findings, and the names
    that moved. Names in ``consumed`` (replaced by an earlier transform) are
    dropped from their MMCV import when nothing uses them any more.

    ``tree`` is the stdlib parse of the same text (parsed from
    ``module.code`` when not given): it gives the findings their lines and
    says which statements hold imports, so only those are visited, unless a
    bare ``import mmcv`` asks for ``mmcv.X`` attributes to be rewritten."""
    if tree is None:
        tree = ast.parse(module.code)
    droppable = frozenset(consumed) - used_names(module) if consumed else frozenset()
    imports_mmcv = any(isinstance(n, ast.Import) and any(a.name == 'mmcv' and not a.asname
                                                         for a in n.names)
                       for n in ast.walk(tree))
    if imports_mmcv:
        transformer = ImportMoves(_import_lines(tree.body), droppable)
        new_module = module.visit(transformer)
        return new_module, transformer.findings, transformer.moved
    transformer = ImportMoves([], droppable)
    transformer.read_header(module)
    body, changed = [], False
    for statement, ast_statements in _top_level_statements(module, tree):
        lines = _import_lines(ast_statements)
        if not lines:
            body.append(statement)
            continue
        transformer._import_lines, transformer._next_import = lines, 0
        new = statement.visit(transformer)
        if isinstance(new, cst.FlattenSentinel):
            body.extend(new.nodes)
        elif not isinstance(new, cst.RemovalSentinel):
            body.append(new)
        changed = changed or new is not statement
    new_module = module.with_changes(body=body) if changed else module
    return new_module, transformer.findings, transformer.moved


def _top_level_statements(module: cst.Module, tree: ast.Module):
    """(libcst statement, the stdlib statements it holds) pairs: a simple
    line ``a; b`` holds several, a compound statement one."""
    pairs, index = [], 0
    for statement in module.body:
        count = len(statement.body) if isinstance(statement, cst.SimpleStatementLine) else 1
        pairs.append((statement, tree.body[index:index + count]))
        index += count
    return pairs


def _import_lines(statements) -> List[int]:
    """Lines of the import statements in ``statements``, in source order."""
    found = [(n.lineno, n.col_offset) for s in statements for n in ast.walk(s)
             if isinstance(n, (ast.Import, ast.ImportFrom))]
    return [line for line, _ in sorted(found)]


def tree_still_fits(module: cst.Module, original: cst.Module, tree: ast.Module) -> bool:
    """Whether ``tree`` (the stdlib parse of ``original``) still gives the
    import statements of ``module`` (``original`` after other transforms):
    true when every top-level statement holding an import is untouched."""
    if len(module.body) != len(original.body):
        return False
    return all(new is old or not _import_lines(statements)
               for new, (old, statements) in zip(module.body,
                                                  _top_level_statements(original, tree)))
