from .base_model import BaseModel
from .data_preprocessor import BaseDataPreprocessor, ImgDataPreprocessor

__all__ = ['BaseDataPreprocessor', 'BaseModel', 'ImgDataPreprocessor']
