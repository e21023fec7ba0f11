"""Helpers for metrics (``mmengine.evaluator.utils``)."""
from typing import Any, Dict


def get_metric_value(indicator: str, metrics: Dict) -> Any:
    """The value of ``indicator`` in ``metrics``: the key itself, else the
    one key whose last ``/`` part it is (``'accuracy/top1'`` for
    ``'top1'``). No match, or several, is a ValueError naming the keys."""
    if indicator in metrics:
        return metrics[indicator]
    matches = [key for key in metrics if key.split('/')[-1] == indicator]
    if len(matches) == 1:
        return metrics[matches[0]]
    if not matches:
        raise ValueError(f'The indicator "{indicator}" can not match any metric in '
                         f'{list(metrics.keys())}')
    raise ValueError(f'The indicator "{indicator}" is ambiguous as it matches multiple '
                     f'metrics {matches}')
