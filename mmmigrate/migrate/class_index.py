"""The classes of the whole tree being converted, so a file's transforms
know about bases defined in other files of it.

``mmmigrate convert`` converts files one by one, but a class's base often
lives elsewhere in the project: a hook deriving from the project's own base
hook, a restorer deriving from the project's ``BasicRestorer``. Before the
files are converted, every source is scanned once (a regular expression over
its bytes, no parse: the scan must cost far less than converting) for its
class headers and their direct methods. A class is then known as:

- a hook, when a base's name ends in ``Hook``, it is registered in
  ``HOOKS``, or a base is a hook of the tree;
- a model the converter turns into a ``BaseModel``, when it has a
  ``train_step(..., optimizer)`` or a ``forward(..., return_loss)`` and
  derives from ``nn.Module`` / ``BaseModule``, or a base is such a model;

and ``methods_of(name)`` is what it and its tree bases define (a helper a
base overrides must not be renamed past that override). Classes are known by
name; where two classes of the tree share one, what either says counts.
"""
import re
from collections import defaultdict
from typing import Dict, Iterable, List, Optional, Set, Tuple

# a class header or a def, at the start of a line (one pass, in file order)
_STATEMENT = re.compile(rb'^([ \t]*)(?:class[ \t]+(\w+)[ \t]*(?:\(([^)]*)\))?[ \t]*:'
                        rb'|(?:async[ \t]+)?def[ \t]+(\w+)[ \t]*\(([^)]*))', re.M)
MODEL_BASES = {'Module', 'BaseModule'}  # last part of the name: nn.Module, torch.nn.Module


class _Class:
    def __init__(self, bases: List[str], registered_hook: bool):
        self.bases = bases  # the last part of each base's name
        self.registered_hook = registered_hook
        self.methods: Dict[str, str] = {}  # name -> its parameters, as written


def _decorators(data: bytes, start: int) -> bytes:
    """The decorator lines right above the line starting at ``start``."""
    end = start
    while end > 0:
        line_start = data.rfind(b'\n', 0, end - 1) + 1
        if not data[line_start:end].lstrip().startswith(b'@'):
            break
        end = line_start
    return data[end:start]


def _scan(data: bytes) -> List[Tuple[str, _Class]]:
    """(name, class) for every class header in ``data``, with its methods."""
    found: List[Tuple[str, _Class]] = []
    stack: List[Tuple[int, Optional[_Class]]] = []  # (indent, class or None for a def)
    for match in _STATEMENT.finditer(data):
        indent = len(match.group(1))
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if match.group(2) is not None:  # a class
            bases = [b.strip().split(b'.')[-1].split(b'[')[0].decode('ascii', 'replace')
                     for b in (match.group(3) or b'').split(b',') if b.strip()]
            cls = _Class([b for b in bases if b.isidentifier()],
                         b'HOOKS' in _decorators(data, match.start()))
            found.append((match.group(2).decode('ascii', 'replace'), cls))
            stack.append((indent, cls))
        else:
            if stack and stack[-1][1] is not None:
                stack[-1][1].methods[match.group(4).decode('ascii', 'replace')] = \
                    match.group(5).decode('utf-8', 'replace')
            stack.append((indent, None))
    return found


class ClassIndex:
    """What the tree's classes are (see the module docstring)."""

    def __init__(self, sources: Iterable[bytes] = ()):
        self._classes: Dict[str, List[_Class]] = defaultdict(list)
        for data in sources:
            self.add(data)
        self.finish()

    def add(self, data: bytes) -> None:
        """Scan one file (call :meth:`finish` after the last)."""
        if b'class' in data:
            for name, cls in _scan(data):
                self._classes[name].append(cls)

    def finish(self) -> None:
        self.hooks = self._closure(lambda c: c.registered_hook or
                                   any(b.endswith('Hook') for b in c.bases))
        self.models = self._closure(lambda c: any(b in MODEL_BASES for b in c.bases) and (
            'optimizer' in c.methods.get('train_step', '') or
            'return_loss' in c.methods.get('forward', '')))

    def _closure(self, own) -> Set[str]:
        """The names whose class satisfies ``own`` or derives from one that does."""
        known = {name for name, classes in self._classes.items() if any(map(own, classes))}
        changed = True
        while changed:
            changed = False
            for name, classes in self._classes.items():
                if name not in known and any(b in known for c in classes for b in c.bases):
                    known.add(name)
                    changed = True
        return known

    def methods_of(self, name: str) -> Set[str]:
        """The methods the tree's classes of that name and their tree bases define."""
        methods: Set[str] = set()
        pending, seen = [name], set()
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            seen.add(current)
            for cls in self._classes.get(current, ()):
                methods.update(cls.methods)
                pending.extend(cls.bases)
        return methods
