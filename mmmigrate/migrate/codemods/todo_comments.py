"""``# TODO(mmmigrate): [rule] message`` comments above the statements the
findings are about, so every warning and error of ``mmmigrate convert``
is also in the source where a reviewer reads it, not only in the report.

Each transform reports lines of the text it worked on; later transforms
may move them. A finding's line is therefore followed through a line diff
of that text and the converted one (a rewritten line to the line that
replaced it, a removed line -- a decorator -- to what followed it). A
comment already above the statement is not written twice, so a second run
changes nothing.
"""
import ast
import difflib
import re
import textwrap
from typing import Dict, Iterable, List, Optional, Tuple

from ..translate.values import Finding
from .text_edits import TextEdits, statements_with_parents

TODO = 'TODO(mmmigrate): '
SEVERITIES = ('warning', 'error')
_LINE_BREAK = re.compile(r'\r\n|\r|\n')


def todo_lines(todo: str, indent: str = '') -> List[str]:
    """``todo`` (``[rule] message``) as comment lines ending by column 79
    after ``indent``."""
    return textwrap.wrap(todo, width=max(79 - len(indent), 40), initial_indent=f'# {TODO}',
                         subsequent_indent='#   ', break_on_hyphens=False,
                         break_long_words=False)


def source_lines(text: str) -> List[str]:
    """``text``'s lines as Python numbers them: only ``\\n``, ``\\r\\n`` and
    ``\\r`` end one (``str.splitlines`` also splits at a form feed or
    U+2028, which would shift every line after it)."""
    return _LINE_BREAK.split(text)


def _statement_starts(tree: ast.Module) -> List[Tuple[int, int]]:
    """(first line, last line) of every statement, decorators included."""
    spans = []
    for statement, _ in statements_with_parents(tree.body):
        first = min([statement.lineno] + [d.lineno for d in
                                          getattr(statement, 'decorator_list', ())])
        spans.append((first, statement.end_lineno))
    return spans


def _innermost(spans, line: int) -> Optional[int]:
    """First line of the innermost statement holding ``line``."""
    holding = [first for first, last in spans if first <= line <= last]
    return max(holding) if holding else None


def line_map(source_lines: List[str], lines: List[str]) -> Dict[int, int]:
    """1-based lines of ``source_lines`` -> the lines of ``lines`` they
    became: kept lines map to themselves, a rewritten region to the region
    that replaced it (line by line, its last line for the excess), a removed
    line to the line after it."""
    mapping: Dict[int, int] = {}
    matcher = difflib.SequenceMatcher(None, source_lines, lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == 'equal' or (tag == 'replace' and j2 > j1):
            for i in range(i1, i2):
                mapping[i + 1] = j1 + min(i - i1, j2 - j1 - 1) + 1
        elif tag == 'delete' and j1 < len(lines):
            # a line removed (a decorator, a runner call): what follows it
            for i in range(i1, i2):
                mapping[i + 1] = j1 + 1
    return mapping


def add_todo_comments(text: str, tree: ast.Module,
                      reported: Iterable[Tuple[Finding, str]]) -> str:
    """``text`` (parsed as ``tree``) with a TODO above the statement of each
    warning / error of ``reported``: (finding, the text its line refers to)."""
    lines = source_lines(text)
    spans = _statement_starts(tree)
    todos: Dict[int, List[str]] = {}
    maps: Dict[int, Dict[int, int]] = {}  # per source text
    for finding, source in reported:
        if finding.severity not in SEVERITIES or not finding.line:
            continue
        if id(source) not in maps:
            maps[id(source)] = line_map(source_lines(source), lines)
        line = maps[id(source)].get(finding.line)
        if line and lines[line - 1].lstrip().startswith('#'):
            # the statement was rewritten with comments first: the stage that
            # rewrote it (import moves) wrote its TODO there itself; inside a
            # function the comment would otherwise send it above the def
            continue
        start = _innermost(spans, line) if line else None
        if start is None:
            continue
        todo = f'[{finding.rule}] {finding.message}'
        if todo not in todos.setdefault(start, []):
            todos[start].append(todo)
    if not todos:
        return text
    edits = TextEdits(text, tree)
    for start, found in todos.items():
        existing = set(edits.comment_lines_above(start))
        line_text = edits.line(start)
        indent = line_text[:len(line_text) - len(line_text.lstrip())]
        new = [line for todo in found if todo_lines(todo, indent)[0] not in existing
               for line in todo_lines(todo, indent)]
        if new:
            edits.insert(edits.line_start(start),
                         ''.join(indent + line + edits.newline for line in new))
    return edits.apply()
