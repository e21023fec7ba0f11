"""Test helpers for the engine's own distributed tests
(``mmengine.testing._internal``)."""
from .distributed import MultiProcessTestCase

__all__ = ['MultiProcessTestCase']
