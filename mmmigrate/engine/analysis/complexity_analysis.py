"""Counting a model's FLOPs, activations and parameters
(``mmengine.analysis.complexity_analysis``).

FLOPs are counted as MMEngine (fvcore) counts them: one fused multiply-add
is one FLOP, for convolutions, linear layers and matrix products; bias
additions, normalisations and element-wise ops are not counted. The count
comes from ``torch.utils.flop_counter`` (which counts two FLOPs per
multiply-add) rather than from a JIT trace, so it also works on models that
cannot be traced. Activations are the output elements of convolution and
linear layers. Results are per module, keyed by the module's qualified name
(``''`` for the whole model)."""
from collections import defaultdict
from typing import Any, Dict, Tuple

import torch
import torch.nn as nn

_ACTIVATION_LAYERS = (nn.modules.conv._ConvNd, nn.Linear)


def _as_tuple(inputs) -> Tuple[Any, ...]:
    return inputs if isinstance(inputs, tuple) else (inputs, )


class _Analyzer:
    """Runs the model once on ``inputs`` (without gradients) and counts."""

    def __init__(self, model: nn.Module, inputs):
        self._model = model
        self._inputs = _as_tuple(inputs)
        self._counts: Dict[str, int] = {}

    def _count(self) -> Dict[str, int]:
        raise NotImplementedError

    def by_module(self) -> Dict[str, int]:
        """The count of every module (its submodules included)."""
        if not self._counts:
            self._counts = self._count()
        return dict(self._counts)

    def total(self, module_name: str = '') -> int:
        return self.by_module().get(module_name, 0)

    def _run(self) -> None:
        was_training = self._model.training
        self._model.eval()
        try:
            with torch.no_grad():
                self._model(*self._inputs)
        finally:
            self._model.train(was_training)


class FlopAnalyzer(_Analyzer):
    """FLOPs (multiply-adds) per module."""

    def _count(self) -> Dict[str, int]:
        from torch.utils.flop_counter import FlopCounterMode
        counter = FlopCounterMode(display=False)
        with counter:
            self._run()
        root = type(self._model).__name__
        counts: Dict[str, int] = defaultdict(int)
        for key, per_op in counter.get_flop_counts().items():
            if key == 'Global':
                continue
            name = '' if key == root else key[len(root) + 1:]
            counts[name] = sum(per_op.values()) // 2
        counts.setdefault('', counter.get_total_flops() // 2)
        for name, _ in self._model.named_modules():
            counts.setdefault(name, 0)
        return dict(counts)


class ActivationAnalyzer(_Analyzer):
    """Output elements of convolution and linear layers, per module."""

    def _count(self) -> Dict[str, int]:
        produced: Dict[str, int] = defaultdict(int)
        handles = []
        for name, module in self._model.named_modules():
            if isinstance(module, _ACTIVATION_LAYERS):
                def hook(_module, _inputs, output, name=name):
                    if isinstance(output, torch.Tensor):
                        produced[name] += output.numel()
                handles.append(module.register_forward_hook(hook))
        try:
            self._run()
        finally:
            for handle in handles:
                handle.remove()
        counts: Dict[str, int] = defaultdict(int)
        for name, _ in self._model.named_modules():
            counts[name] = sum(value for layer, value in produced.items()
                               if not name or layer == name or layer.startswith(name + '.'))
        return dict(counts)


def flop_count(model: nn.Module, inputs) -> Tuple[Dict[str, float], Dict[str, Any]]:
    """``({op: GFLOPs}, {})``: the whole model's FLOPs (in 1e9) per operator."""
    from torch.utils.flop_counter import FlopCounterMode
    counter = FlopCounterMode(display=False)
    with counter:
        _Analyzer(model, inputs)._run()
    per_op = counter.get_flop_counts().get('Global', {})
    return {str(op).split('.')[-1]: count / 2 / 1e9 for op, count in per_op.items()}, {}


def activation_count(model: nn.Module, inputs) -> Tuple[Dict[str, float], Dict[str, Any]]:
    """``({'conv+linear': millions of activations}, {})``."""
    return {'conv+linear': ActivationAnalyzer(model, inputs).total() / 1e6}, {}


def parameter_count(model: nn.Module) -> Dict[str, int]:
    """Parameters per module (``''``: the whole model), each shared
    parameter counted once."""
    counts: Dict[str, int] = defaultdict(int)
    for name, param in model.named_parameters():
        size = param.numel()
        parts = name.split('.')
        for depth in range(len(parts)):
            counts['.'.join(parts[:depth])] += size
    counts.setdefault('', 0)
    return dict(counts)


def __getattr__(name: str):
    # MMEngine has the table here too; it is written in print_helper.py,
    # which imports this module.
    if name == 'parameter_count_table':
        from .print_helper import parameter_count_table
        return parameter_count_table
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
