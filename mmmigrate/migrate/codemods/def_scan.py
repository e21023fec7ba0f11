"""Which classes and functions of a module a libcst transform must look
inside, from the stdlib tree of the same text.

Walking a libcst tree is most of a transform's cost, and in a model file
most methods hold nothing the transform changes. The stdlib tree gives each
``def`` / ``class`` its lines; one whose text has none of the transform's
words is skipped (its children are not visited). A definition is named by
its path of enclosing definitions and its occurrence among same-named ones,
counted in the order libcst visits statements.
"""
import ast
from collections import Counter
from typing import Dict, Iterable, List, Tuple

DefKey = Tuple[Tuple[str, ...], int]  # (('Model', 'train_step'), 0)
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _bodies(statement: ast.stmt) -> Iterable[list]:
    """The statement lists under a statement, in libcst's visiting order."""
    if isinstance(statement, ast.Try) or type(statement).__name__ == 'TryStar':
        yield statement.body
        for handler in statement.handlers:
            yield handler.body
        yield statement.orelse
        yield statement.finalbody
    elif isinstance(statement, ast.Match):
        for case in statement.cases:
            yield case.body
    else:
        for field in ('body', 'orelse'):
            inner = getattr(statement, field, None)
            if isinstance(inner, list):
                yield inner


def definitions_to_visit(text: str, tree: ast.Module, words: Tuple[str, ...]
                         ) -> Dict[DefKey, bool]:
    """Every class and function of ``tree`` (parsed from ``text``): whether
    its text (decorators included) holds one of ``words``."""
    lines: List[str] = text.split('\n')
    seen: Counter = Counter()
    found: Dict[DefKey, bool] = {}

    def scan(body: list, path: Tuple[str, ...]) -> None:
        for statement in body:
            inner_path = path
            if isinstance(statement, _DEFS):
                name_path = path + (statement.name,)
                key = (name_path, seen[name_path])
                seen[name_path] += 1
                first = min([statement.lineno] +
                            [d.lineno for d in statement.decorator_list])
                source = '\n'.join(lines[first - 1:statement.end_lineno])
                found[key] = any(word in source for word in words)
                inner_path = name_path
            for inner in _bodies(statement):
                scan(inner, inner_path)

    scan(tree.body, ())
    return found


class SkipsDefinitions:
    """For a libcst transformer: ``enter(node)`` from ``visit_ClassDef`` /
    ``visit_FunctionDef`` says whether to visit inside, ``leave()`` from
    their ``leave_`` methods; ``to_visit`` is :func:`definitions_to_visit`'s
    answer, or None to visit everything."""

    def init_skipping(self, to_visit) -> None:
        self._to_visit = to_visit
        self._scope: List[str] = []
        self._seen: Counter = Counter()

    def enter(self, node) -> bool:
        path = tuple(self._scope) + (node.name.value,)
        key = (path, self._seen[path])
        self._seen[path] += 1
        self._scope.append(node.name.value)
        return True if self._to_visit is None else self._to_visit.get(key, True)

    def leave(self) -> None:
        self._scope.pop()
