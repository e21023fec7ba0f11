"""Configs and models of installed OpenMMLab packages (``mmengine.hub``)."""
from .hub import get_config, get_model

__all__ = ['get_config', 'get_model']
