"""``Evaluator``: runs several metrics over the outputs of a loop."""
from typing import Any, Iterator, List, Optional, Sequence, Union

from ..registry import EVALUATOR, METRICS
from ..structures import BaseDataElement
from .metric import BaseMetric


@EVALUATOR.register_module()
class Evaluator:
    """Holds metrics (configs or ``BaseMetric`` instances). ``process``
    feeds each batch's outputs (data elements as dicts) to every metric;
    ``evaluate(size)`` merges their results (names must not collide)."""

    def __init__(self, metrics: Union[dict, BaseMetric, Sequence]):
        self._dataset_meta: Optional[dict] = None
        if not isinstance(metrics, Sequence):
            metrics = [metrics]
        self.metrics: List[BaseMetric] = []
        for metric in metrics:
            if isinstance(metric, dict):
                metric = METRICS.build(metric)
            elif not isinstance(metric, BaseMetric):
                raise TypeError('evaluator metrics must be BaseMetric instances or configs, '
                                f'got {type(metric).__name__}')
            self.metrics.append(metric)

    @property
    def dataset_meta(self) -> Optional[dict]:
        return self._dataset_meta

    @dataset_meta.setter
    def dataset_meta(self, dataset_meta: dict) -> None:
        self._dataset_meta = dataset_meta
        for metric in self.metrics:
            metric.dataset_meta = dataset_meta

    def process(self, data_samples: Sequence, data_batch: Optional[Any] = None) -> None:
        samples = [s.to_dict() if isinstance(s, BaseDataElement) else s for s in data_samples]
        for metric in self.metrics:
            metric.process(data_batch, samples)

    def evaluate(self, size: int) -> dict:
        metrics = {}
        for metric in self.metrics:
            results = metric.evaluate(size)
            duplicated = set(results) & set(metrics)
            if duplicated:
                raise ValueError('There are multiple evaluation results with the same metric '
                                 f'name {sorted(duplicated)}. Please make sure all metrics have '
                                 'different prefixes.')
            metrics.update(results)
        return metrics

    def offline_evaluate(self, data_samples: Sequence, data: Optional[Sequence] = None,
                         chunk_size: int = 1) -> dict:
        """Evaluate saved predictions (and, optionally, their inputs)."""
        from ..dataset import pseudo_collate

        def chunks(seq: Iterator) -> Iterator[list]:
            while True:
                chunk = [item for _, item in zip(range(chunk_size), seq)]
                if not chunk:
                    return
                yield chunk

        if data is not None:
            if len(data_samples) != len(data):  # AssertionError, as MMEngine raises
                raise AssertionError('data_samples and data should have the same length, but '
                                     f'got data_samples length: {len(data_samples)} data '
                                     f'length: {len(data)}')
            data_chunks = chunks(iter(data))
        size = 0
        for output_chunk in chunks(iter(data_samples)):
            data_chunk = pseudo_collate(next(data_chunks)) if data is not None else None
            size += len(output_chunk)
            self.process(output_chunk, data_chunk)
        return self.evaluate(size)
