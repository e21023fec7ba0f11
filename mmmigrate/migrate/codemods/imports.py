"""Import moves: ``from mmcv.runner import X`` and ``mmcv.X`` to where each
name lives in the MMEngine stack (``rules/imports.yaml``).

A moved name keeps its local name (``from mmengine.model import
is_model_wrapper as is_module_wrapper``), so the code using it is not
touched. A name that has no drop-in replacement stays imported from its
old place, with a finding and a ``# TODO(mmmigrate)`` saying what to use
instead; names that still exist in MMCV 2.x are left alone.

The edits are spliced into the text (``text_edits``): an import statement
that changes is written anew, everything else keeps its bytes.
"""
import ast
import textwrap
from typing import Dict, List, Optional, Sequence, Tuple

from ...rules.import_table import lookup
from ...rules.shim_table import gone_in_mmcv2, is_legacy_module, origin_of, unique_origin
from ..translate.values import Finding
from .text_edits import TextEdits, all_nodes, dotted_name, identifiers, statements_with_parents
from .todo_comments import todo_lines

COMPAT_MIRROR = 'mmmigrate.compat.mmcv'  # MMCV 1.x's module tree, served by compat


class _ImportMoves:

    def __init__(self, edits: TextEdits, droppable=frozenset(), project_droppable=frozenset()):
        self._edits = edits
        self._droppable = droppable  # names an earlier transform made unused
        # of those, the project classes whose own import may go too
        self._project_droppable = project_droppable
        self.findings: List[Finding] = []
        self.moved: List[str] = []  # the names imported from their new homes

    # -- from mmcv.X import ... ---------------------------------------------

    def import_from(self, statement: ast.ImportFrom, parent_body: list) -> None:
        module = statement.module
        if not self._alone_on_its_lines(statement):
            return
        if statement.level or module is None or module != 'mmcv' and \
                not module.startswith('mmcv.'):
            self._drop_consumed(statement, parent_body)
            return
        line = statement.lineno
        if any(alias.name == '*' for alias in statement.names):
            self._find('import-star', 'warning', module, line,
                       f'from {module} import *: name the imports so mmmigrate can move them')
            return
        kept: List[str] = []  # the aliases' source text
        moved: Dict[str, List[str]] = {}
        routed: Dict[str, List[str]] = {}  # to the compat mirror: where they were
        todos: List[str] = []
        dropped = False
        for alias in statement.names:
            name = alias.name
            local = alias.asname or name
            kind, entry = lookup(module, name)
            if local in self._droppable:
                dropped = True  # replaced by an earlier transform, which reported it
                continue
            if kind == 'move':
                new_name = entry.get('name', name)
                moved.setdefault(entry['to'], []).append(
                    new_name if local == new_name else f'{new_name} as {local}')
                self.moved.append(name)
                if entry.get('note'):
                    message = f'{name} moved to {entry["to"]} but changed: {entry["note"]}'
                    self._find('import-moved-changed', 'warning', name, line, message)
                    todos.append(f'[import-moved-changed] {message}')
            elif gone_in_mmcv2(module, name) and (origin := still_defined_in_mmcv2(module, name)):
                # MMCV 2.x keeps it elsewhere (mmcv.jit -> mmcv.utils.parrots_jit)
                moved.setdefault(origin, []).append(self._edits.segment(alias))
                self.moved.append(name)
            elif gone_in_mmcv2(module, name):
                # no MMEngine drop-in and MMCV 2.x lacks it: the compat layer's
                # mirror of MMCV 1.x (mmmigrate.compat.mmcv) keeps it working
                compat = COMPAT_MIRROR + module[len('mmcv'):]
                routed.setdefault(compat, []).append(self._edits.segment(alias))
                how = f'. In MMEngine: {entry["removed"]}' if kind == 'removed' else ''
                message = (f'{name} ({module}) has no MMEngine drop-in and MMCV 2.x removed it; '
                           f'imported from {compat}, which keeps MMCV 1.x\'s behaviour{how}')
                self._find('import-to-compat', 'warning', name, line, message)
                todos.append(f'[import-to-compat] {message}')
            else:
                kept.append(self._edits.segment(alias))
                if kind == 'removed':
                    message = f'{name} ({module}) has no drop-in replacement: {entry["removed"]}'
                    self._find('import-removed', 'warning', name, line, message)
                    todos.append(f'[import-removed] {message}')
        indent = self._edits.indent(statement)
        start, end = self._edits.span(statement)
        if not moved and not kept and not routed:  # every name went with an earlier transform
            self._remove(statement, parent_body)
            return
        self._add_todos(statement, indent, todos)
        if not moved and not routed and not dropped:
            return
        groups = ([(module, kept)] if kept else []) + list(routed.items()) + list(moved.items())
        lines = [_import_from(target, names, indent) for target, names in groups]
        # the original line's trailing comment stays on the first statement
        end_of_line = self._edits.line_end(statement.end_lineno)
        lines[0] += self._edits.rest_of_line(statement)
        lines[:0] = self._comments_inside(statement)
        self._edits.replace(start, end_of_line, (self._edits.newline + indent).join(
            line.replace('\n', self._edits.newline + indent) for line in lines))

    def _drop_consumed(self, statement: ast.ImportFrom, parent_body: list) -> None:
        """A project's import (``from mmedit.core import
        DistributedDataParallelWrapper``) of a class the Runner replaced (a
        DDP wrapper, an EvalHook) that nothing uses any more: it goes. Other
        project names stay even when unused: the module may re-export them
        (mmseg's apis/train.py re-exports get_root_logger)."""
        names = [alias for alias in statement.names if alias.name != '*']
        gone = [alias for alias in names
                if (alias.asname or alias.name) in self._project_droppable]
        if not gone:
            return
        kept = [self._edits.segment(alias) for alias in names if alias not in gone]
        if not kept:
            self._remove(statement, parent_body)
            return
        start, end = self._edits.span(statement)
        module = '.' * statement.level + (statement.module or '')
        indent = self._edits.indent(statement)
        text = _import_from(module, kept, indent).replace('\n', self._edits.newline + indent)
        self._edits.replace(start, self._edits.line_end(statement.end_lineno),
                            text + self._edits.rest_of_line(statement))

    def _remove(self, statement, parent_body: list) -> None:
        """Remove an import statement; one alone in its block becomes pass."""
        start, end = self._edits.span(statement)
        if len(parent_body) == 1:
            self._edits.replace(start, end, 'pass')
        else:  # the statement's lines go; comments above it stay
            self._edits.replace(self._edits.line_start(statement.lineno),
                                self._edits.next_line_start(statement.end_lineno), '')

    def _alone_on_its_lines(self, statement) -> bool:
        rest = self._edits.rest_of_line(statement).strip()
        return self._edits.indent(statement) is not None and (not rest or rest[0] == '#')

    def _comments_inside(self, statement) -> List[str]:
        """Comments within a statement spread over several lines (``(a,  #
        why``): kept as lines above the new statements rather than lost."""
        comments = []
        for line in range(statement.lineno, statement.end_lineno):
            text = self._edits.line(line)
            if '#' in text:  # an import statement holds no string
                comments.append(text[text.index('#'):].strip())
        return comments

    def import_module(self, statement: ast.Import) -> None:
        for alias in statement.names:
            if alias.name.startswith('mmcv.') and (gone_in_mmcv2(alias.name) or (
                    not is_legacy_module(alias.name) and  # not recorded (mmcv.tensorrt)
                    lookup(alias.name, '__any_name__')[0] == 'removed')):  # the package is gone
                self._find('import-module-removed', 'warning', alias.name, statement.lineno,
                           f'import {alias.name}: the package is gone in MMCV 2.x; import the '
                           'names you use with `from ... import` so mmmigrate can move them')

    # -- mmcv.X attribute uses ------------------------------------------------

    def attributes(self, tree: ast.Module, after: Tuple[int, int]) -> None:
        """``mmcv.X`` chains (after the ``import mmcv`` at ``after``) whose
        name moved, and the ``import mmengine.Y`` lines they need."""
        needed: List[str] = []
        routed: List[str] = []  # chains MMCV 2.x lacks, now used from the compat mirror
        rewritten_nodes: list = []
        rewritten = 0
        # the longest chain first: `mmcv.runner.hooks.Hook` is routed whole
        chains = sorted((n for n in all_nodes(tree) if isinstance(n, ast.Attribute)),
                        key=lambda n: (n.lineno, n.col_offset, -n.end_lineno, -n.end_col_offset))
        for node in chains:
            if (node.lineno, node.col_offset) < after:
                continue
            path = dotted_name(node)
            if path is None or not path.startswith('mmcv.') or self._moved_prefix(path) or \
                    _inside(node, rewritten_nodes):
                continue
            module, name = path.rsplit('.', 1)
            kind, entry = lookup(module, name)
            if kind == 'move':
                target, new_name = entry['to'], entry.get('name', name)
            elif gone_in_mmcv2(module, name) and (origin := still_defined_in_mmcv2(module, name)):
                target, new_name = origin, name
            elif gone_in_mmcv2(module, name):
                target, new_name = COMPAT_MIRROR + module[len('mmcv'):], name
                if path not in routed:
                    routed.append(path)
                    how = f'. In MMEngine: {entry["removed"]}' if kind == 'removed' else ''
                    message = (f'{path} has no MMEngine drop-in and MMCV 2.x removed it; '
                               f'used from {target}, which keeps MMCV 1.x\'s behaviour{how}')
                    self._find('import-to-compat', 'warning', path, node.lineno, message)
            else:
                continue
            rewritten += 1
            rewritten_nodes.append(node)
            self.moved.append(path)
            if target not in needed:
                needed.append(target)
            self._edits.replace_node(node, f'{target}.{new_name}')
        self._drop_unused_gone_packages(tree, after, chains, rewritten_nodes)
        if needed:  # a routed chain's TODO goes where it is used (todo_comments)
            self._add_module_imports(tree, needed, rewritten)

    @staticmethod
    def _moved_prefix(path: str) -> bool:
        """Whether a shorter part of ``mmcv.a.b.c`` moves (that part is
        rewritten, the rest of the chain stays as it is)."""
        parts = path.split('.')
        return any(lookup('.'.join(parts[:k - 1]), parts[k - 1])[0] == 'move'
                   for k in range(2, len(parts)))

    def _drop_unused_gone_packages(self, tree, anchor, chains, rewritten_nodes) -> None:
        """``import mmcv.fileio`` (besides the ``import mmcv`` at ``anchor``)
        whose chains all moved: the line would fail under MMCV 2.x, and
        nothing needs it any more."""
        left = {dotted_name(n) for n in chains if not _inside(n, rewritten_nodes)}
        for statement in tree.body:
            if not (isinstance(statement, ast.Import) and len(statement.names) == 1 and
                    (statement.lineno, statement.col_offset) != anchor and
                    _binds_mmcv(statement.names[0]) and statement.names[0].name != 'mmcv' and
                    self._alone_on_its_lines(statement)):
                continue
            package = statement.names[0].name
            if not any(path and (path == package or path.startswith(package + '.'))
                       for path in left):
                self._edits.replace(self._edits.line_start(statement.lineno),
                                    self._edits.next_line_start(statement.end_lineno), '')
                self.findings = [f for f in self.findings if not (
                    f.rule == 'import-module-removed' and f.line == statement.lineno)]

    def _add_module_imports(self, tree: ast.Module, modules: Sequence[str], rewritten: int):
        edits = self._edits
        imports = [f'import {module}' for module in modules]
        index = next((i for i, s in enumerate(tree.body) if _imports_mmcv(s)), 0)
        statement = tree.body[index]
        mmcv_uses = sum(1 for n in all_nodes(tree) if isinstance(n, ast.Name) and n.id == 'mmcv')
        if mmcv_uses == rewritten and _imports_mmcv(statement) and len(statement.names) == 1 and \
                self._alone_on_its_lines(statement):
            # `import mmcv` served only names that moved: MMCV 2.x may not be installed
            edits.replace_node(statement, edits.newline.join(imports))
            self.findings = [f for f in self.findings if not (
                f.rule == 'import-module-removed' and f.line == statement.lineno)]
            return
        position = edits.line_end(statement.end_lineno)
        edits.insert(position, ''.join(edits.newline + line for line in imports))

    # -- helpers --------------------------------------------------------------

    def _add_todos(self, statement, indent: str, todos: Sequence[str]) -> None:
        """``# TODO(mmmigrate)`` lines above the statement, each once (a
        second run finds them already there)."""
        existing = set(self._edits.comment_lines_above(statement.lineno))
        new = []
        for todo in todos:
            lines = todo_lines(todo, indent)
            if lines[0] not in existing:
                new.extend(lines)
        if new:
            self._edits.insert(self._edits.line_start(statement.lineno), ''.join(
                indent + line + self._edits.newline for line in new))

    def _find(self, rule: str, severity: str, key: str, line, message: str) -> None:
        self.findings.append(Finding(rule, severity, key, message, line=line))


def _import_from(module: str, names: Sequence[str], indent: str) -> str:
    """``from module import names``, wrapped in parentheses (lines joined
    by '\\n') when it would pass column 79."""
    line = f'from {module} import {", ".join(names)}'
    if len(indent) + len(line) <= 79:
        return line
    head = f'from {module} import ('
    # a name and its `as` alias stay on one line
    lines = textwrap.wrap(', '.join(n.replace(' ', '\0') for n in names) + ')',
                          width=79 - len(indent), initial_indent=head,
                          subsequent_indent=' ' * len(head), break_long_words=False,
                          break_on_hyphens=False)
    if len(lines) == 1:  # one name too long for any line: no parentheses
        return line
    return '\n'.join(lines).replace('\0', ' ')


def still_defined_in_mmcv2(module: str, name: str) -> Optional[str]:
    """Where MMCV 2.x still defines a name it removed from ``module``
    (``mmcv.jit`` lives on in ``mmcv.utils.parrots_jit``), else None."""
    origin = origin_of(module, name) or unique_origin(name)
    if origin is None or origin == module or gone_in_mmcv2(origin, name):
        return None
    return origin


def _inside(node, outer_nodes) -> bool:
    return any((o.lineno, o.col_offset) <= (node.lineno, node.col_offset) and
               (node.end_lineno, node.end_col_offset) <= (o.end_lineno, o.end_col_offset)
               for o in outer_nodes)


def _binds_mmcv(alias: ast.alias) -> bool:
    """``import mmcv``, or ``import mmcv.fileio`` of a package MMCV 2.x
    removed (its ``mmcv.fileio.load`` chains move like ``mmcv.load``)."""
    return not alias.asname and (alias.name == 'mmcv' or alias.name.startswith('mmcv.') and
                                 gone_in_mmcv2(alias.name))


def _imports_mmcv(statement) -> bool:
    return isinstance(statement, ast.Import) and any(_binds_mmcv(a) for a in statement.names)


def move_imports(text: str, tree: ast.Module, consumed=frozenset(), consumed_project=frozenset()
                 ) -> Tuple[str, List[Finding], List[str]]:
    """``text`` with its MMCV imports moved, the findings, and the names
    that moved. ``tree`` is the stdlib parse of ``text``. Names in
    ``consumed`` (replaced by an earlier transform) are dropped from their
    MMCV import when nothing uses them any more; those also in
    ``consumed_project`` (a project's DDP wrapper or EvalHook the Runner
    replaced) from a project import too."""
    edits = TextEdits(text, tree)
    droppable = frozenset(consumed) - identifiers(tree) if consumed else frozenset()
    moves = _ImportMoves(edits, droppable, droppable & frozenset(consumed_project))
    import_mmcv = None
    for statement, parent in statements_with_parents(tree.body):
        if isinstance(statement, ast.ImportFrom):
            moves.import_from(statement, parent)
        elif isinstance(statement, ast.Import):
            moves.import_module(statement)
            if import_mmcv is None and any(_binds_mmcv(a) for a in statement.names):
                import_mmcv = (statement.lineno, statement.col_offset)
    if import_mmcv is not None:
        moves.attributes(tree, import_mmcv)
    return edits.apply(), moves.findings, moves.moved
