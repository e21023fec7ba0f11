"""Line numbers for findings, worked out only when there are findings.

libcst's PositionProvider records a position for every node of the module
(one codegen that allocates a range per node): most of a transform's time.
Findings need the first line of a few nodes, so ``resolve`` runs one plain
codegen whose state counts lines only where a finding's node starts, with
PositionProvider's meaning of "starts" (where the node's own syntax begins,
after its leading blank lines and comments; else where its code begins).
"""
import re
from contextlib import contextmanager
from typing import Dict, List, Set, Tuple

import libcst as cst
from libcst._nodes.internal import CodegenState

from ..translate.values import Finding

_NEWLINE = re.compile(r'\r\n?|\n')  # what libcst counts as a line break


class _LineCountingState(CodegenState):
    """A codegen state that notes the line where each wanted node starts."""

    def __init__(self, module: cst.Module, wanted: Set[int]):
        super().__init__(default_indent=module.default_indent,
                         default_newline=module.default_newline)
        self.wanted = wanted  # id() of the nodes
        self.syntactic: Dict[int, int] = {}
        self.inclusive: Dict[int, int] = {}
        self._line, self._counted = 1, 0

    def line_of(self, key: int):
        return self.syntactic.get(key, self.inclusive.get(key))

    def _line_now(self) -> int:
        tokens = self.tokens
        for index in range(self._counted, len(tokens)):
            token = tokens[index]
            if '\n' in token or '\r' in token:
                self._line += len(_NEWLINE.findall(token))
        self._counted = len(tokens)
        return self._line

    def before_codegen(self, node) -> None:
        if id(node) in self.wanted:
            self.inclusive.setdefault(id(node), self._line_now())

    @contextmanager
    def record_syntactic_position(self, node, *, start_node=None, end_node=None):
        key = id(node)
        if key in self.wanted:
            if start_node is None:
                self.syntactic[key] = self._line_now()
            else:  # the node starts where that child does
                self.wanted.add(id(start_node))
        yield
        if key in self.wanted and start_node is not None:
            self.syntactic[key] = self.line_of(id(start_node))


class LineResolver:
    def __init__(self, module: cst.Module):
        self._module = module
        self._pending: List[Tuple[Finding, cst.CSTNode]] = []

    def finding(self, node, rule: str, severity: str, key: str, message: str) -> Finding:
        finding = Finding(rule, severity, key, message)
        self._pending.append((finding, node))
        return finding

    def resolve(self) -> None:
        if not self._pending:
            return
        # the module's own nodes: the recorded nodes are the ones generated
        state = _LineCountingState(self._module, {id(node) for _, node in self._pending})
        self._module._codegen(state)
        for finding, node in self._pending:
            finding.line = state.line_of(id(node))
        self._pending = []
