"""Two configs' training semantics, compared field by field and, for the
lr and momentum, iteration by iteration."""
from dataclasses import dataclass, field
from typing import Any, List, Optional

from .semantics import FIELDS, Semantics
from .trajectory import Rows, engine_trajectory, legacy_trajectory

# Two schedule values are the same within this relative difference: MMCV
# and MMEngine compute the same formulas in different orders (the 460
# golden schedules agree to 1e-9 where they are the same schedule).
RELATIVE_TOLERANCE = 1e-9


@dataclass
class Row:
    """One field: ``legacy`` and ``new`` values, and for the schedules the
    first optimizer step (0-based iteration) where they part and the largest
    relative deviation over the run."""
    field: str
    legacy: Any
    new: Any
    same: bool
    first_difference: Optional[int] = None
    max_relative_deviation: Optional[float] = None


@dataclass
class Comparison:
    rows: List[Row]
    notes: List[str] = field(default_factory=list)
    trajectories: dict = field(default_factory=dict)  # 'legacy'/'new' -> (lr, momentum)

    @property
    def identical(self) -> bool:
        return all(row.same for row in self.rows)


def trajectory_of(semantics: Semantics):
    kind, *schedule = semantics.schedule
    if kind == 'mmcv':
        return legacy_trajectory(schedule[0], schedule[1], semantics.run)
    return engine_trajectory(schedule[0], semantics.run)


def schedule_row(name: str, legacy: Rows, new: Rows) -> Row:
    first = None
    worst = 0.0
    for step, (a_row, b_row) in enumerate(zip(legacy, new)):
        if len(a_row) != len(b_row):
            first = step if first is None else first
            worst = float('inf')
            continue
        for a, b in zip(a_row, b_row):
            deviation = abs(a - b) / max(abs(a), 1e-300) if a != b else 0.0
            if deviation > RELATIVE_TOLERANCE and first is None:
                first = step
            worst = max(worst, deviation)
    if len(legacy) != len(new):
        first = min(len(legacy), len(new)) if first is None else first
    return Row(name, _summary(legacy), _summary(new), first is None, first,
               worst if worst > 0 else 0.0)


def _summary(rows: Rows) -> str:
    if not rows:
        return 'no steps'
    return f'{len(rows)} steps, {rows[0][-1]:.6g} -> {rows[-1][-1]:.6g}'


def compare(legacy: Semantics, new: Semantics) -> Comparison:
    rows = [Row(name, legacy.fields.get(name), new.fields.get(name),
                legacy.fields.get(name) == new.fields.get(name)) for name in FIELDS]
    legacy_lr, legacy_momentum = trajectory_of(legacy)
    new_lr, new_momentum = trajectory_of(new)
    rows.insert(0, schedule_row('momentum', legacy_momentum, new_momentum))
    rows.insert(0, schedule_row('lr', legacy_lr, new_lr))
    return Comparison(rows, legacy.notes + new.notes,
                      dict(legacy=(legacy_lr, legacy_momentum), new=(new_lr, new_momentum)))
