"""``BaseTTAModel``: test-time augmentation. Each test batch holds several
augmented views of every sample; the wrapped model predicts each view and
``merge_preds`` (written by the subclass) merges a sample's predictions."""
from abc import abstractmethod
from typing import Dict, List, Optional, Union

import torch
import torch.nn as nn

from ..registry import MODELS
from .base_model import BaseModel


@MODELS.register_module()
class BaseTTAModel(BaseModel):
    """``module`` is the trained model (or its config, built with
    ``data_preprocessor`` when given); it must have ``test_step``.

    ``test_step(data)`` takes ``dict(inputs=[view_1, view_2, ...],
    data_samples=[samples_1, ...])`` (or a tuple/list of such lists), runs
    ``module.test_step`` on each view and returns
    ``merge_preds([(sample_a_view_1, sample_a_view_2, ...), ...])``."""

    def __init__(self, module: Union[dict, nn.Module],
                 data_preprocessor: Union[dict, nn.Module, None] = None):
        super().__init__()
        if isinstance(module, nn.Module):
            self.module = module
        elif isinstance(module, dict):
            if data_preprocessor is not None:
                module['data_preprocessor'] = data_preprocessor
            self.module = MODELS.build(module)
        else:
            raise TypeError('The type of module should be a `nn.Module` instance or a dict, '
                            f'but got {module}')
        assert hasattr(self.module, 'test_step'), \
            'Model wrapped by BaseTTAModel must implement `test_step`!'

    @abstractmethod
    def merge_preds(self, data_samples_list: List[list]) -> list:
        """One merged prediction per sample from the predictions of its views."""

    def test_step(self, data):
        if isinstance(data, dict):
            num_augs = len(data[next(iter(data))])
            views = [{key: value[idx] for key, value in data.items()} for idx in range(num_augs)]
        elif isinstance(data, (tuple, list)):
            num_augs = len(data[0])
            views = [[item[idx] for item in data] for idx in range(num_augs)]
        else:
            raise TypeError('data given by dataLoader should be a dict, tuple or a list, but '
                            f'got {type(data)}')
        predictions = [self.module.test_step(view) for view in views]
        return self.merge_preds(list(zip(*predictions)))

    def forward(self, inputs: torch.Tensor, data_samples: Optional[list] = None,
                mode: str = 'tensor') -> Union[Dict[str, torch.Tensor], list]:
        raise NotImplementedError('`BaseTTAModel.forward` is not called in training or '
                                  'testing; call `test_step`, or implement `forward` to use it')
