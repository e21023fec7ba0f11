"""Evaluation (``mmengine.evaluator``)."""
from .evaluator import Evaluator
from .metric import BaseMetric, DumpResults

__all__ = ['BaseMetric', 'DumpResults', 'Evaluator']
