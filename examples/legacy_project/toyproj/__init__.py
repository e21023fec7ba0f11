"""A small MMCV 1.x-style project: a regression model with the
``return_loss`` / ``train_step`` contract, a custom hook reading runner
internals, and a registry."""
from .data import build_train_loader
from .hooks import LossHistoryHook
from .model import MODELS, ToyRegressor, build_model

__all__ = ['build_train_loader', 'LossHistoryHook', 'MODELS', 'ToyRegressor', 'build_model']
