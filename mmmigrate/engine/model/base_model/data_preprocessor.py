"""Data preprocessors: the first step of ``train_step`` / ``val_step``.
They move a collated batch to the model's device (and, for images,
normalise, convert channels, pad and stack)."""
import math
from typing import Mapping, Optional, Sequence, Union

import torch
import torch.nn as nn
import torch.nn.functional as F

from ...registry import MODELS
from ...structures import BaseDataElement
from ...utils import is_seq_of
from ..utils import stack_batch


@MODELS.register_module()
class BaseDataPreprocessor(nn.Module):
    """Moves tensors and ``BaseDataElement``s in a (nested) batch to
    ``self.device``, which follows ``.to()`` / ``.cuda()`` / ``.cpu()``."""

    def __init__(self, non_blocking: Optional[bool] = False):
        super().__init__()
        self._non_blocking = non_blocking
        self._device = torch.device('cpu')

    def cast_data(self, data):
        # Concrete types first: the ABC checks below are comparatively slow
        # and this runs on every batch.
        kind = type(data)
        if kind is torch.Tensor:
            # `.to` would return it unchanged (`is_cpu` avoids building a
            # device object per tensor in the common case).
            if data.is_cpu and self._device.type == 'cpu' or data.device == self._device:
                return data
            return data.to(self._device, non_blocking=self._non_blocking)
        if kind is list or kind is tuple:
            if self._device.type == 'cpu':
                # A batch of CPU tensors is copied as it is, without a call per
                # item (a comprehension would be one more call, too).
                for item in data:
                    if type(item) is not torch.Tensor or not item.is_cpu:
                        break
                else:
                    return kind(data)
            return kind([self.cast_data(item) for item in data])
        if kind is dict:
            return {key: self.cast_data(value) for key, value in data.items()}
        if isinstance(data, Mapping):
            return {key: self.cast_data(data[key]) for key in data}
        if isinstance(data, (str, bytes)) or data is None:
            return data
        if isinstance(data, tuple) and hasattr(data, '_fields'):  # namedtuple
            return type(data)(*(self.cast_data(item) for item in data))
        if isinstance(data, Sequence):
            return type(data)(self.cast_data(item) for item in data)
        if isinstance(data, (torch.Tensor, BaseDataElement)):
            return data.to(self._device, non_blocking=self._non_blocking)
        return data

    def forward(self, data: dict, training: bool = False) -> Union[dict, list]:
        return self.cast_data(data)

    @property
    def device(self) -> torch.device:
        return self._device

    def to(self, *args, **kwargs) -> nn.Module:
        device = torch._C._nn._parse_to(*args, **kwargs)[0]
        if device is not None:
            self._device = torch.device(device)
        return super().to(*args, **kwargs)

    def cuda(self, *args, **kwargs) -> nn.Module:
        self._device = torch.device(torch.cuda.current_device())
        return super().cuda()

    def cpu(self, *args, **kwargs) -> nn.Module:
        self._device = torch.device('cpu')
        return super().cpu()


@MODELS.register_module()
class ImgDataPreprocessor(BaseDataPreprocessor):
    """Image batches: ``data['inputs']`` is a list of CHW tensors (from
    ``pseudo_collate``) or an NCHW tensor (``default_collate``). Per image:
    optional BGR↔RGB flip, float conversion, ``(x - mean) / std``; then
    padding at the bottom/right to a multiple of ``pad_size_divisor`` with
    ``pad_value`` and stacking."""

    def __init__(self, mean: Optional[Sequence[Union[float, int]]] = None,
                 std: Optional[Sequence[Union[float, int]]] = None,
                 pad_size_divisor: int = 1, pad_value: Union[float, int] = 0,
                 bgr_to_rgb: bool = False, rgb_to_bgr: bool = False,
                 non_blocking: Optional[bool] = False):
        super().__init__(non_blocking)
        # AssertionError, as MMEngine raises for these settings.
        if bgr_to_rgb and rgb_to_bgr:
            raise AssertionError('`bgr2rgb` and `rgb2bgr` cannot both be True')
        if (mean is None) != (std is None):
            raise AssertionError('mean and std should be both None or both sequences')
        if mean is not None:
            if len(mean) not in (1, 3):
                raise AssertionError('`mean` should have 1 (gray) or 3 (RGB) values, got '
                                     f'{len(mean)}')
            if len(std) not in (1, 3):
                raise AssertionError('`std` should have 1 (gray) or 3 (RGB) values, got '
                                     f'{len(std)}')
            self._enable_normalize = True
            self.register_buffer('mean', torch.tensor(mean).view(-1, 1, 1), False)
            self.register_buffer('std', torch.tensor(std).view(-1, 1, 1), False)
        else:
            self._enable_normalize = False
        self._channel_conversion = rgb_to_bgr or bgr_to_rgb
        self.pad_size_divisor = pad_size_divisor
        self.pad_value = pad_value

    def _normalize(self, inputs: torch.Tensor) -> torch.Tensor:
        return (inputs - self.mean) / self.std

    def forward(self, data: dict, training: bool = False) -> Union[dict, list]:
        data = self.cast_data(data)
        inputs = data['inputs']
        if is_seq_of(inputs, torch.Tensor):
            images = []
            for image in inputs:
                if self._channel_conversion:
                    image = image[[2, 1, 0], ...]
                image = image.float()  # after the flip: cheaper on uint8
                if self._enable_normalize:
                    if self.mean.shape[0] == 3 and (image.dim() != 3 or image.shape[0] != 3):
                        raise AssertionError('If the mean has 3 values, each input must have '
                                             f'shape (3, H, W), got {tuple(image.shape)}')
                    image = self._normalize(image)
                images.append(image)
            batch = stack_batch(images, self.pad_size_divisor, self.pad_value)
        elif isinstance(inputs, torch.Tensor):
            if inputs.dim() != 4:
                raise AssertionError('ImgDataPreprocessor takes an NCHW tensor or a list of '
                                     f'CHW tensors, got a tensor of shape {tuple(inputs.shape)}')
            if self._channel_conversion:
                inputs = inputs[:, [2, 1, 0], ...]
            inputs = inputs.float()
            if self._enable_normalize:
                inputs = self._normalize(inputs)
            h, w = inputs.shape[2:]
            target_h = math.ceil(h / self.pad_size_divisor) * self.pad_size_divisor
            target_w = math.ceil(w / self.pad_size_divisor) * self.pad_size_divisor
            batch = F.pad(inputs, (0, target_w - w, 0, target_h - h), 'constant', self.pad_value)
        else:
            raise TypeError('ImgDataPreprocessor: data["inputs"] must be a list of tensors or '
                            f'a tensor, got {type(inputs).__name__}')
        data['inputs'] = batch
        data.setdefault('data_samples', None)
        return data
