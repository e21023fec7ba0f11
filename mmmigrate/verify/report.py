"""``mmmigrate verify``'s output: a table for people, JSON for tools."""
import json
import math
from typing import List

from .compare import Comparison


def _short(value, width: int) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= width else text[:width - 3] + '...'


def table(legacy_path: str, new_path: str, comparison: Comparison) -> str:
    lines: List[str] = [f'legacy: {legacy_path}', f'new:    {new_path}', '']
    header = f'{"field":20s} {"verdict":9s} {"first diff":>10s} {"max rel dev":>11s}  legacy | new'
    lines += [header, '-' * len(header)]
    for row in comparison.rows:
        first = '' if row.first_difference is None else str(row.first_difference)
        deviation = '' if row.max_relative_deviation is None \
            else f'{row.max_relative_deviation:.3g}'
        verdict = 'same' if row.same else 'DIFFERENT'
        values = _short(row.legacy, 40) if row.same and row.field not in ('lr', 'momentum') \
            else f'{_short(row.legacy, 40)} | {_short(row.new, 40)}'
        lines.append(f'{row.field:20s} {verdict:9s} {first:>10s} {deviation:>11s}  {values}')
    lines.append('')
    for note in comparison.notes:
        lines.append(f'note: {note}')
    differing = [row.field for row in comparison.rows if not row.same]
    lines.append('identical training semantics' if not differing else
                 f'{len(differing)} field(s) differ: {", ".join(differing)}')
    return '\n'.join(lines)


def as_json(legacy_path: str, new_path: str, comparison: Comparison) -> dict:
    return dict(
        legacy=legacy_path, new=new_path, identical=comparison.identical,
        fields=[dict(field=row.field, same=row.same, legacy=row.legacy, new=row.new,
                     first_difference=row.first_difference,
                     # JSON has no infinity: group counts that differ give one
                     max_relative_deviation=_finite_or_text(row.max_relative_deviation))
                for row in comparison.rows],
        notes=comparison.notes)


def _finite_or_text(value):
    return value if value is None or math.isfinite(value) else str(value)
