"""``mmcv.parallel._functions`` / ``mmcv.device._functions`` and
``mmcv.parallel.data_container.assert_tensor_type``: the low-level pieces of
MMCV's scatter, for code that calls them directly (the DataContainer
scatter itself is ``compat.data_container``)."""
import functools
from typing import List, Optional, Union

import torch
from torch import Tensor


def scatter(input: Union[List, Tensor], devices: List, streams: Optional[List] = None):
    """A tensor (or each tensor of a list, in equal chunks) onto ``devices``
    (``[-1]``: left on the CPU)."""
    if streams is None:
        streams = [None] * len(devices)
    if isinstance(input, list):
        chunk_size = (len(input) - 1) // len(devices) + 1
        return [scatter(item, [devices[i // chunk_size]], [streams[i // chunk_size]])
                for i, item in enumerate(input)]
    if isinstance(input, Tensor):
        output = input.contiguous()
        if devices != [-1]:
            stream = streams[0] if output.numel() > 0 else None
            with torch.cuda.device(devices[0]), torch.cuda.stream(stream):
                output = output.cuda(devices[0], non_blocking=True)
        return output
    raise Exception(f'Unknown type {type(input)}.')


def synchronize_stream(output: Union[List, Tensor], devices: List, streams: List) -> None:
    if isinstance(output, list):
        chunk_size = len(output) // len(devices)
        for i in range(len(devices)):
            for j in range(chunk_size):
                synchronize_stream(output[i * chunk_size + j], [devices[i]], [streams[i]])
    elif isinstance(output, Tensor):
        if output.numel() != 0:
            with torch.cuda.device(devices[0]):
                main_stream = torch.cuda.current_stream()
                main_stream.wait_stream(streams[0])
                output.record_stream(main_stream)
    else:
        raise Exception(f'Unknown type {type(output)}.')


def get_input_device(input: Union[List, Tensor]) -> int:
    """The CUDA device of the first CUDA tensor in ``input``, or -1."""
    if isinstance(input, list):
        for item in input:
            device = get_input_device(item)
            if device != -1:
                return device
        return -1
    if isinstance(input, Tensor):
        return input.get_device() if input.is_cuda else -1
    raise Exception(f'Unknown type {type(input)}.')


class Scatter:

    @staticmethod
    def forward(target_gpus: List[int], input: Union[List, Tensor]) -> tuple:
        streams = None
        if get_input_device(input) == -1 and target_gpus != [-1]:
            # copy from the CPU in background streams, as MMCV did
            streams = [torch.cuda.Stream(device) for device in target_gpus]
        outputs = scatter(input, target_gpus, streams)
        if streams is not None:
            synchronize_stream(outputs, target_gpus, streams)
        return tuple(outputs) if isinstance(outputs, list) else (outputs, )


def assert_tensor_type(func):
    """A DataContainer method that needs the container to hold a tensor."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if not isinstance(args[0].data, torch.Tensor):
            raise AttributeError(f'{args[0].__class__.__name__} has no attribute '
                                 f'{func.__name__} for type {args[0].datatype}')
        return func(*args, **kwargs)
    return wrapper
