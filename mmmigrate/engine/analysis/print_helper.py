"""Reports of a model's complexity (``mmengine.analysis.print_helper``):
``get_model_complexity_info`` and its tables."""
from typing import Any, Dict, Optional, Tuple, Union

import torch
import torch.nn as nn

from ..utils import is_tuple_of
from .complexity_analysis import ActivationAnalyzer, FlopAnalyzer, parameter_count


def _format_size(x: int, sig_figs: int = 3, hide_zero: bool = False) -> str:
    """``1234567`` -> ``'1.235M'`` (K, M, G, T, P suffixes)."""
    if hide_zero and x == 0:
        return ''

    def fmt(value: float) -> str:
        return f'{value:.{sig_figs}f}'.rstrip('0').rstrip('.')

    for threshold, scale, suffix in ((1e14, 1e15, 'P'), (1e11, 1e12, 'T'), (1e8, 1e9, 'G'),
                                     (1e5, 1e6, 'M'), (1e2, 1e3, 'K')):
        if abs(x) > threshold:
            return fmt(x / scale) + suffix
    return str(x)


def _table(rows, headers) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]
    line = '| ' + ' | '.join(f'{{:<{w}}}' for w in widths) + ' |'
    rule = '|' + '|'.join('-' * (w + 2) for w in widths) + '|'
    return '\n'.join([line.format(*headers), rule] + [line.format(*map(str, r)) for r in rows])


def parameter_count_table(model: nn.Module, max_depth: int = 3) -> str:
    """A table of the parameters of each module down to ``max_depth``."""
    counts = parameter_count(model)
    rows = [(name or 'model', _format_size(count)) for name, count in counts.items()
            if name.count('.') < max_depth]
    return _table(rows, ('name', '#elements or shape'))


def complexity_stats_table(flops: FlopAnalyzer, max_depth: int = 3,
                           activations: Optional[ActivationAnalyzer] = None,
                           show_param_shapes: bool = True) -> str:
    """A table of parameters, FLOPs (and activations) per module."""
    params = parameter_count(flops._model)
    flop_counts = flops.by_module()
    act_counts = activations.by_module() if activations is not None else {}
    rows = []
    for name, _ in flops._model.named_modules():
        if name.count('.') >= max_depth and name:
            continue
        row = [name or 'model', _format_size(params.get(name, 0)),
               _format_size(flop_counts.get(name, 0))]
        if activations is not None:
            row.append(_format_size(act_counts.get(name, 0)))
        rows.append(row)
    headers = ['module', '#parameters or shape', '#flops']
    if activations is not None:
        headers.append('#activations')
    return _table(rows, headers)


def complexity_stats_str(flops: FlopAnalyzer,
                         activations: Optional[ActivationAnalyzer] = None) -> str:
    """The model's repr with each module's parameters, FLOPs (and
    activations) beside it."""
    params = parameter_count(flops._model)
    flop_counts = flops.by_module()
    act_counts = activations.by_module() if activations is not None else {}
    lines = []
    for name, module in flops._model.named_modules():
        depth = name.count('.') + 1 if name else 0
        stats = [f'#params: {_format_size(params.get(name, 0))}',
                 f'#flops: {_format_size(flop_counts.get(name, 0))}']
        if activations is not None:
            stats.append(f'#acts: {_format_size(act_counts.get(name, 0))}')
        label = f'({name.split(".")[-1]}): ' if name else ''
        lines.append('  ' * depth + f'{label}{type(module).__name__}  ' + ', '.join(stats))
    return '\n'.join(lines)


def get_model_complexity_info(
        model: nn.Module,
        input_shape: Union[Tuple[int, ...], Tuple[Tuple[int, ...], ...], None] = None,
        inputs: Union[torch.Tensor, Tuple[torch.Tensor, ...], Tuple[Any, ...], None] = None,
        show_table: bool = True, show_arch: bool = True) -> Dict[str, Any]:
    """FLOPs, activations and parameters of ``model`` run on ``inputs`` (or
    random tensors of ``input_shape``, batch size 1): a dict with ``flops``,
    ``flops_str``, ``activations``, ``activations_str``, ``params``,
    ``params_str``, ``out_table`` and ``out_arch`` (the last two empty
    unless ``show_table`` / ``show_arch``)."""
    if input_shape is None and inputs is None:
        raise ValueError('One of "input_shape" and "inputs" should be set.')
    if input_shape is not None and inputs is not None:
        raise ValueError('"input_shape" and "inputs" cannot be both set.')
    if inputs is None:
        device = next(model.parameters()).device
        if is_tuple_of(input_shape, int):
            inputs = (torch.randn(1, *input_shape).to(device), )
        elif is_tuple_of(input_shape, tuple) and all(is_tuple_of(s, int) for s in input_shape):
            inputs = tuple(torch.randn(1, *s).to(device) for s in input_shape)
        else:
            raise ValueError('"input_shape" should be either a `tuple of int` (one input '
                             'tensor) or a `tuple of tuple of int` (several input tensors).')
    flop_handler = FlopAnalyzer(model, inputs)
    activation_handler = ActivationAnalyzer(model, inputs)
    flops = flop_handler.total()
    activations = activation_handler.total()
    params = parameter_count(model)['']
    return dict(
        flops=flops, flops_str=_format_size(flops), activations=activations,
        activations_str=_format_size(activations), params=params,
        params_str=_format_size(params),
        out_table=complexity_stats_table(flop_handler, activations=activation_handler)
        if show_table else '',
        out_arch=complexity_stats_str(flop_handler, activations=activation_handler)
        if show_arch else '')
