"""Edits of a source text located by its stdlib tree.

The transforms that only rename, insert or drop pieces of a file (import
moves, hook signatures, runner internals) work this way: ``ast`` parses a
file about ten times faster than libcst, and splicing the edits into the
text leaves every byte they do not touch as it was (comments, quotes,
line continuations, the newline style). libcst stays for the transforms
that rebuild statements (models, runner scripts).

Positions are those of ``ast``: 1-based lines, column offsets in UTF-8
bytes, so the edits are made on the encoded text.
"""
import ast
import re
from typing import Iterator, List, Optional, Tuple

# the line breaks Python's tokenizer knows (not form feed, not U+2028)
_LINE_BREAK = re.compile(rb'\r\n|\r|\n')


class TextEdits:
    """A module's text and tree, and the replacements to make in it."""

    def __init__(self, text: str, tree: ast.Module):
        self.text = text
        self.tree = tree
        self._data = text.encode('utf-8')
        breaks = list(_LINE_BREAK.finditer(self._data))
        self._starts = [0] + [m.end() for m in breaks]
        self._ends = [m.start() for m in breaks] + [len(self._data)]
        self.newline = breaks[0].group().decode() if breaks else '\n'
        self._edits: List[Tuple[int, int, int, bytes]] = []

    # -- reading ------------------------------------------------------------

    def offset(self, line: int, column: int) -> int:
        return self._starts[line - 1] + column

    def span(self, node) -> Tuple[int, int]:
        return (self.offset(node.lineno, node.col_offset),
                self.offset(node.end_lineno, node.end_col_offset))

    def segment(self, node) -> str:
        start, end = self.span(node)
        return self._data[start:end].decode('utf-8')

    def line(self, line: int) -> str:
        """Line ``line`` without its line break."""
        return self._data[self._starts[line - 1]:self._ends[line - 1]].decode('utf-8')

    def line_end(self, line: int) -> int:
        """Offset of the line break ending ``line`` (or of the end of text)."""
        return self._ends[line - 1]

    def line_start(self, line: int) -> int:
        return self._starts[line - 1]

    def next_line_start(self, line: int) -> int:
        """Offset just after the line break ending ``line``."""
        return self._starts[line] if line < len(self._starts) else len(self._data)

    def indent(self, node) -> Optional[str]:
        """The whitespace before ``node`` on its first line, or None when
        something else comes first there (``if x: import y``, ``a; b``)."""
        start = self.line_start(node.lineno)
        before = self._data[start:start + node.col_offset].decode('utf-8')
        return before if not before.strip() else None

    def rest_of_line(self, node) -> str:
        """What follows ``node`` on its last line."""
        return self._data[self.offset(node.end_lineno, node.end_col_offset):
                          self.line_end(node.end_lineno)].decode('utf-8')

    def comment_lines_above(self, line: int) -> Iterator[str]:
        """The comment lines (stripped) between ``line`` and the code above it."""
        for above in range(line - 1, 0, -1):
            stripped = self.line(above).strip()
            if stripped and not stripped.startswith('#'):
                return
            if stripped:
                yield stripped

    # -- editing ------------------------------------------------------------

    def replace(self, start: int, end: int, new: str) -> None:
        self._edits.append((start, end, len(self._edits), new.encode('utf-8')))

    def replace_node(self, node, new: str) -> None:
        self.replace(*self.span(node), new)

    def insert(self, offset: int, new: str) -> None:
        self.replace(offset, offset, new)

    def apply(self) -> str:
        """The text with every edit made. Edits may not overlap (two
        insertions at one place keep the order they were made in)."""
        if not self._edits:
            return self.text
        pieces, position = [], 0
        for start, end, _, new in sorted(self._edits):
            if start < position:
                raise ValueError(f'overlapping source edits at byte {start}')
            pieces += [self._data[position:start], new]
            position = end
        pieces.append(self._data[position:])
        return b''.join(pieces).decode('utf-8')


def dotted_name(node) -> Optional[str]:
    """'a.b.c' for a Name/Attribute chain, None for anything else."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return '.'.join(reversed(parts))


def statements_with_parents(body: list) -> Iterator[Tuple[ast.stmt, list]]:
    """Every statement under ``body`` (in source order, expressions not
    visited) with the list holding it."""
    for statement in body:
        yield statement, body
        for field in ('body', 'orelse', 'finalbody'):
            inner = getattr(statement, field, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                yield from statements_with_parents(inner)
        for handler in getattr(statement, 'handlers', ()):
            yield from statements_with_parents(handler.body)
        for case in getattr(statement, 'cases', ()):
            yield from statements_with_parents(case.body)


def all_nodes(tree: ast.AST) -> list:
    """``list(ast.walk(tree))``, worked out once per tree: several
    transforms scan the same module, and walking it is most of their time."""
    nodes = getattr(tree, '_mmmigrate_nodes', None)
    if nodes is None:
        nodes = list(ast.walk(tree))
        tree._mmmigrate_nodes = nodes
    return nodes


def identifiers(tree: ast.AST) -> set:
    """Every identifier the code reads, binds or names outside import
    statements (attribute names, parameters and keywords included): a name
    in none of them is certainly unused."""
    found = set()
    for node in all_nodes(tree):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.add(node.name)
        elif isinstance(node, ast.arg):
            found.add(node.arg)
        elif isinstance(node, (ast.keyword, ast.ExceptHandler, ast.MatchAs, ast.MatchStar)):
            name = node.arg if isinstance(node, ast.keyword) else node.name
            if name:
                found.add(name)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            found.update(node.names)
    return found
