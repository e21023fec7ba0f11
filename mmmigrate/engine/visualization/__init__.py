"""Visualization (``mmengine.visualization``): the ``Visualizer`` (drawing
on images, with matplotlib) and the backends that store scalars, images
and configs."""
from .external_backends import (AimVisBackend, ClearMLVisBackend, DVCLiveVisBackend,
                                MLflowVisBackend, NeptuneVisBackend, WandbVisBackend)
from .vis_backend import BaseVisBackend, LocalVisBackend, TensorboardVisBackend
from .visualizer import Visualizer

__all__ = ['AimVisBackend', 'BaseVisBackend', 'ClearMLVisBackend', 'DVCLiveVisBackend',
           'LocalVisBackend', 'MLflowVisBackend', 'NeptuneVisBackend', 'TensorboardVisBackend',
           'Visualizer', 'WandbVisBackend']
