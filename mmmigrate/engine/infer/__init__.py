"""Inference API (``mmengine.infer``): ``BaseInferencer``, the base of the
libraries' ``DetInferencer``, ``ImageClassificationInferencer``, ..."""
from .infer import BaseInferencer

__all__ = ['BaseInferencer']
