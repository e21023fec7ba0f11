"""Scalar and config logging backends (``mmengine.visualization``)."""
from .vis_backend import BaseVisBackend, LocalVisBackend, TensorboardVisBackend
from .visualizer import Visualizer

__all__ = ['BaseVisBackend', 'LocalVisBackend', 'TensorboardVisBackend', 'Visualizer']
