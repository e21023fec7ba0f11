"""Line numbers for findings, worked out only when there are findings.

libcst's PositionProvider costs about half of a transform when it is
resolved up front; most files have no finding, so the nodes are kept and
their lines looked up once at the end, on the module the transform ran on.
"""
from typing import List, Tuple

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from ..translate.values import Finding


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
        # the module's own nodes: no copy, so the recorded nodes are found
        positions = MetadataWrapper(self._module, unsafe_skip_copy=True).resolve(
            PositionProvider)
        for finding, node in self._pending:
            position = positions.get(node)
            finding.line = position.start.line if position is not None else None
        self._pending = []
