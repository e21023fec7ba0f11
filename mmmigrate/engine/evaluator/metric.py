"""``BaseMetric``: accumulate per-batch results, then compute metrics."""
import logging
from abc import ABCMeta, abstractmethod
from typing import Any, List, Optional, Sequence

from torch import Tensor

from ..logging import print_log
from ..registry import METRICS
from ..structures import BaseDataElement


def _to_cpu(data: Any) -> Any:
    if isinstance(data, (Tensor, BaseDataElement)):
        return data.to('cpu')
    if isinstance(data, list):
        return [_to_cpu(d) for d in data]
    if isinstance(data, tuple):
        return tuple(_to_cpu(d) for d in data)
    if isinstance(data, dict):
        return {k: _to_cpu(v) for k, v in data.items()}
    return data


class BaseMetric(metaclass=ABCMeta):
    """Subclasses append to ``self.results`` in ``process`` and turn the
    results of all ranks into a dict in ``compute_metrics`` (run on rank 0;
    the dict is broadcast). Metric names get ``prefix + '/'``.

    Args:
        collect_device: ``'cpu'`` or ``'gpu'``: how results travel to rank 0.
        prefix: name prefix (default: the class's ``default_prefix``).
        collect_dir: a directory shared by all ranks for CPU collection.
    """

    default_prefix: Optional[str] = None

    def __init__(self, collect_device: str = 'cpu', prefix: Optional[str] = None,
                 collect_dir: Optional[str] = None) -> None:
        if collect_dir is not None and collect_device != 'cpu':
            raise ValueError("`collect_dir` can only be used with collect_device='cpu'")
        self._dataset_meta: Optional[dict] = None
        self.collect_device = collect_device
        self.results: List[Any] = []
        self.prefix = prefix or self.default_prefix
        self.collect_dir = collect_dir
        if self.prefix is None:
            print_log(f'The prefix is not set in metric class {type(self).__name__}.',
                      logger='current', level=logging.WARNING)

    @property
    def dataset_meta(self) -> Optional[dict]:
        return self._dataset_meta

    @dataset_meta.setter
    def dataset_meta(self, dataset_meta: dict) -> None:
        self._dataset_meta = dataset_meta

    @abstractmethod
    def process(self, data_batch: Any, data_samples: Sequence[dict]) -> None:
        """Add the results of one batch to ``self.results``."""

    @abstractmethod
    def compute_metrics(self, results: list) -> dict:
        """Metrics from the results of the whole dataset."""

    def evaluate(self, size: int) -> dict:
        """Collect the results of every rank (truncated to ``size``, the
        dataset length), compute the metrics on rank 0 and share them."""
        from ..dist import broadcast_object_list, collect_results, is_main_process
        if not self.results:
            print_log(f'{type(self).__name__} got empty `self.results`. Please ensure that '
                      'the processed results are properly added into `self.results` in '
                      '`process` method.', logger='current', level=logging.WARNING)
        results = collect_results(self.results, size, self.collect_device,
                                  tmpdir=self.collect_dir if self.collect_device == 'cpu'
                                  else None)
        if is_main_process():
            metrics = self.compute_metrics(_to_cpu(results))
            if self.prefix:
                metrics = {f'{self.prefix}/{k}': v for k, v in metrics.items()}
            holder = [metrics]
        else:
            holder = [None]
        broadcast_object_list(holder)
        self.results.clear()
        return holder[0]


@METRICS.register_module()
class DumpResults(BaseMetric):
    """Write every prediction to ``out_file_path`` (a .pkl file)."""

    def __init__(self, out_file_path: str, collect_device: str = 'cpu',
                 collect_dir: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, collect_dir=collect_dir)
        if not out_file_path.endswith(('.pkl', '.pickle')):
            raise ValueError(f'The output file must be a pkl file. (DumpResults got '
                             f'{out_file_path!r})')
        self.out_file_path = out_file_path

    def process(self, data_batch: Any, predictions: Sequence[dict]) -> None:
        self.results.extend(_to_cpu(predictions))

    def compute_metrics(self, results: list) -> dict:
        from ..fileio import dump
        dump(results, self.out_file_path)
        print_log(f'Results has been saved to {self.out_file_path}.', logger='current')
        return {}
