"""``mmmigrate verify LEGACY_DIR [NEW_DIR]``: every config of a tree, paired
by relative path, each compared as ``verify_pair`` compares one. A config
that cannot be compared is reported with its reason and the others go on;
files under ``_base_`` folders are bases, not configs of their own."""
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

from ..migrate.reader import ConfigTree
from .compare import Comparison
from .pair import verify_pair
from .semantics import VerifyError


@dataclass
class Outcome:
    legacy: Path
    new: Optional[Path]
    comparison: Optional[Comparison] = None
    error: Optional[str] = None

    @property
    def verdict(self) -> str:
        if self.error is not None:
            return 'error'
        return 'identical' if self.comparison.identical else 'different'


def configs_under(folder: Path) -> List[Path]:
    return sorted(p for p in folder.rglob('*.py')
                  if '_base_' not in p.relative_to(folder).parts)


def verify_tree(legacy_dir: Path, new_dir: Optional[Path], iters_per_epoch: int) -> List[Outcome]:
    tree = ConfigTree()  # bases shared by many configs are read once
    outcomes = []
    for legacy in configs_under(legacy_dir):
        new = None if new_dir is None else new_dir / legacy.relative_to(legacy_dir)
        outcome = Outcome(legacy, new)
        if new is not None and not new.is_file():
            outcome.error = f'{new}: no such config (pairs are matched by relative path)'
        else:
            try:
                outcome.comparison, _ = verify_pair(legacy, new, iters_per_epoch, tree)
            except VerifyError as e:
                outcome.error = str(e)
        outcomes.append(outcome)
    return outcomes


def summary(legacy_dir: Path, outcomes: List[Outcome]) -> str:
    lines = []
    for outcome in outcomes:
        name = str(outcome.legacy.relative_to(legacy_dir))
        if outcome.error is not None:
            detail = outcome.error
        elif outcome.comparison.identical:
            detail = ''
        else:
            detail = ', '.join(
                row.field + (f' (from iteration {row.first_difference})'
                             if row.first_difference is not None else '')
                for row in outcome.comparison.rows if not row.same)
        lines.append(f'{outcome.verdict:10s} {name}' + (f'  {detail}' if detail else ''))
    counts = {v: sum(o.verdict == v for o in outcomes) for v in ('identical', 'different', 'error')}
    lines.append('')
    lines.append(f'{len(outcomes)} configs: {counts["identical"]} identical, '
                 f'{counts["different"]} different, {counts["error"]} could not be compared')
    return '\n'.join(lines)
