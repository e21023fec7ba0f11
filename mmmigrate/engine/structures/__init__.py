"""Data structures passed between data pipeline, model and metrics
(``mmengine.structures``)."""
from .base_data_element import BaseDataElement

__all__ = ['BaseDataElement']
