"""Data structures passed between data pipeline, model and metrics
(``mmengine.structures``)."""
from .base_data_element import BaseDataElement
from .instance_data import InstanceData
from .label_data import LabelData
from .pixel_data import PixelData

__all__ = ['BaseDataElement', 'InstanceData', 'LabelData', 'PixelData']
