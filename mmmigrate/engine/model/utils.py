"""Model helpers: batch stacking with padding, SyncBN conversion, and
finding parameters that do not reach the loss."""
import logging
from typing import List, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.modules import module as _torch_module

from ..logging import print_log

_MODULE_CALL = nn.Module.__call__
_tracing = torch._C._get_tracing_state


def forwards_directly(*modules: nn.Module) -> bool:
    """Whether calling each of ``modules`` would do nothing but call its
    ``forward``: no hooks on the module, no global module hooks, not
    compiled, not being traced by ``torch.jit.trace`` and ``__call__`` not
    overridden — the very conditions of ``nn.Module._call_impl``'s own
    shortcut."""
    if (_torch_module._global_forward_pre_hooks or _torch_module._global_forward_hooks
            or _torch_module._global_backward_pre_hooks
            or _torch_module._global_backward_hooks or _tracing()):
        return False
    for module in modules:
        if (module._forward_pre_hooks or module._forward_hooks or module._backward_pre_hooks
                or module._backward_hooks or module._compiled_call_impl is not None
                or type(module).__call__ is not _MODULE_CALL):
            return False
    return True


def call_module(module: nn.Module, *args, **kwargs):
    """``module(*args, **kwargs)``, for the calls made at every iteration:
    ``forward`` is called directly when that is all the call would do (see
    ``forwards_directly``). The result is the same; ``nn.Module``'s two
    dispatch frames cost about 3 us per call on the benchmark's tiny model
    once torch's own work has run."""
    if forwards_directly(module):
        return module.forward(*args, **kwargs)
    return module(*args, **kwargs)


def forward_with_batch(model: nn.Module, data, mode: str):
    """Call ``model`` with a preprocessed batch: a dict as keyword arguments,
    a list/tuple as positional arguments, and ``mode``. Shared by BaseModel
    and the wrappers, whose own forward syncs or shards first."""
    if isinstance(data, dict):
        return call_module(model, **data, mode=mode)
    if isinstance(data, (list, tuple)):
        return call_module(model, *data, mode=mode)
    raise TypeError('the data preprocessor must return a dict, list or tuple, got '
                    f'{type(data).__name__}')


def stack_batch(tensor_list: List[torch.Tensor], pad_size_divisor: int = 1,
                pad_value: Union[int, float] = 0) -> torch.Tensor:
    """Stack tensors of equal rank, padding every dimension but the first
    (channels) at the end up to the largest size rounded up to a multiple of
    ``pad_size_divisor``."""
    if not isinstance(tensor_list, list) or not tensor_list:
        raise ValueError('stack_batch needs a non-empty list of tensors')
    ranks = {tensor.ndim for tensor in tensor_list}
    if len(ranks) != 1:
        raise ValueError(f'stack_batch needs tensors of one rank, got {sorted(ranks)}')
    dim = tensor_list[0].dim()
    all_sizes = torch.Tensor([tensor.shape for tensor in tensor_list])
    max_sizes = torch.ceil(torch.max(all_sizes, dim=0)[0] / pad_size_divisor) * pad_size_divisor
    padded_sizes = max_sizes - all_sizes
    padded_sizes[:, 0] = 0
    if padded_sizes.sum() == 0:
        return torch.stack(tensor_list)
    # F.pad takes (last-dim left, last-dim right, ...): pad right/bottom only.
    pad = torch.zeros(len(tensor_list), 2 * dim, dtype=torch.int)
    pad[:, 1::2] = padded_sizes[:, range(dim - 1, -1, -1)]
    return torch.stack([F.pad(tensor, tuple(pad[i].tolist()), value=pad_value)
                        for i, tensor in enumerate(tensor_list)])


def detect_anomalous_params(loss: torch.Tensor, model: nn.Module) -> None:
    """Log every trainable parameter that the graph of ``loss`` does not use."""
    in_graph, seen, stack = set(), set(), [loss.grad_fn]
    while stack:
        grad_fn = stack.pop()
        if grad_fn is None or grad_fn in seen:
            continue
        seen.add(grad_fn)
        if hasattr(grad_fn, 'variable'):
            in_graph.add(grad_fn.variable)
        stack.extend(parent[0] for parent in grad_fn.next_functions or ())
    for name, param in model.named_parameters():
        if param not in in_graph and param.requires_grad:
            print_log(f'{name} with shape {param.size()} is not in the computational graph \n',
                      logger='current', level=logging.ERROR)


def merge_dict(*args) -> dict:
    """Merge loss dicts (kept as a function so torch.fx can skip it)."""
    output = {}
    for item in args:
        if not isinstance(item, dict):
            raise TypeError(f'merge_dict takes dicts, got {type(item).__name__}')
        output.update(item)
    return output


class _BatchNormXd(nn.modules.batchnorm._BatchNorm):
    """A BatchNorm that accepts inputs of any rank (what SyncBN becomes
    outside distributed runs)."""

    def _check_input_dim(self, input: torch.Tensor) -> None:
        return


def _copy_norm_state(source, target) -> None:
    if source.affine:
        with torch.no_grad():
            target.weight = source.weight
            target.bias = source.bias
    target.running_mean = source.running_mean
    target.running_var = source.running_var
    target.num_batches_tracked = source.num_batches_tracked
    if hasattr(source, 'qconfig'):
        target.qconfig = source.qconfig


def revert_sync_batchnorm(module: nn.Module) -> nn.Module:
    """Replace every ``SyncBatchNorm`` by an equivalent plain BatchNorm."""
    output = module
    if isinstance(module, nn.SyncBatchNorm):
        output = _BatchNormXd(module.num_features, module.eps, module.momentum,
                              module.affine, module.track_running_stats)
        _copy_norm_state(module, output)
        output.training = module.training
    for name, child in module.named_children():
        try:
            output.add_module(name, revert_sync_batchnorm(child))
        except Exception:
            print_log(f'Failed to convert {child} from SyncBN to BN!',
                      logger='current', level=logging.WARNING)
    return output


def convert_sync_batchnorm(module: nn.Module, implementation: str = 'torch') -> nn.Module:
    """Replace every BatchNorm by ``torch.nn.SyncBatchNorm``."""
    if implementation != 'torch':
        raise ValueError(f"sync_bn must be 'torch' with the bundled engine, got "
                         f'{implementation!r}')
    output = module
    if isinstance(module, nn.modules.batchnorm._BatchNorm):
        output = nn.SyncBatchNorm(module.num_features, module.eps, module.momentum,
                                  module.affine, module.track_running_stats)
        _copy_norm_state(module, output)
    for name, child in module.named_children():
        output.add_module(name, convert_sync_batchnorm(child, implementation))
    return output
