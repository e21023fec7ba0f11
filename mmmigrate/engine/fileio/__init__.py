"""Reading and writing json / yaml / pickle files (``mmengine.fileio``)."""
from .io import dump, load

__all__ = ['dump', 'load']
