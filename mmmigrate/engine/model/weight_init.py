"""Weight initialisation: ``*_init`` functions and the ``init_cfg``
initializers registered in ``WEIGHT_INITIALIZERS`` (Constant, Xavier,
Normal, TruncNormal, Uniform, Kaiming, Caffe2Xavier, Pretrained)."""
import copy
import math
import warnings

import torch
import torch.nn as nn
from torch import Tensor

from ..logging import print_log
from ..registry import WEIGHT_INITIALIZERS, build_from_cfg


def update_init_info(module: nn.Module, init_info: str) -> None:
    """Record ``init_info`` for every parameter whose mean changed since the
    last record (``BaseModule.init_weights`` dumps these at the end)."""
    for name, param in module.named_parameters():
        if param not in module._params_init_info:
            raise RuntimeError(f'parameter {name} of {type(module).__name__} was created '
                               'inside init_weights; create parameters in __init__ only')
        mean = param.data.mean().cpu()
        if module._params_init_info[param]['tmp_mean_value'] != mean:
            module._params_init_info[param]['init_info'] = init_info
            module._params_init_info[param]['tmp_mean_value'] = mean


def _init_bias(module, bias) -> None:
    if hasattr(module, 'bias') and module.bias is not None:
        nn.init.constant_(module.bias, bias)


def _has_weight(module) -> bool:
    return hasattr(module, 'weight') and module.weight is not None


def constant_init(module, val, bias=0):
    if _has_weight(module):
        nn.init.constant_(module.weight, val)
    _init_bias(module, bias)


def xavier_init(module, gain=1, bias=0, distribution='normal'):
    if distribution not in ('uniform', 'normal'):
        raise ValueError(f'distribution must be "uniform" or "normal", got {distribution!r}')
    if _has_weight(module):
        if distribution == 'uniform':
            nn.init.xavier_uniform_(module.weight, gain=gain)
        else:
            nn.init.xavier_normal_(module.weight, gain=gain)
    _init_bias(module, bias)


def normal_init(module, mean=0, std=1, bias=0):
    if _has_weight(module):
        nn.init.normal_(module.weight, mean, std)
    _init_bias(module, bias)


def trunc_normal_init(module, mean: float = 0, std: float = 1, a: float = -2,
                      b: float = 2, bias: float = 0) -> None:
    if _has_weight(module):
        trunc_normal_(module.weight, mean, std, a, b)
    _init_bias(module, bias)


def uniform_init(module, a=0, b=1, bias=0):
    if _has_weight(module):
        nn.init.uniform_(module.weight, a, b)
    _init_bias(module, bias)


def kaiming_init(module, a=0, mode='fan_out', nonlinearity='relu', bias=0,
                 distribution='normal'):
    if distribution not in ('uniform', 'normal'):
        raise ValueError(f'distribution must be "uniform" or "normal", got {distribution!r}')
    if _has_weight(module):
        init = nn.init.kaiming_uniform_ if distribution == 'uniform' else nn.init.kaiming_normal_
        init(module.weight, a=a, mode=mode, nonlinearity=nonlinearity)
    _init_bias(module, bias)


def caffe2_xavier_init(module, bias=0):
    # Caffe2's XavierFill is PyTorch's kaiming_uniform_ with these settings.
    kaiming_init(module, a=1, mode='fan_in', nonlinearity='leaky_relu', bias=bias,
                 distribution='uniform')


def bias_init_with_prob(prior_prob: float) -> float:
    """The bias that makes a sigmoid output ``prior_prob``."""
    return float(-math.log((1 - prior_prob) / prior_prob))


def _bases_names(module) -> list:
    return [base.__name__ for base in type(module).__bases__]


class BaseInit:
    """Common arguments: ``bias`` (or ``bias_prob``) and ``layer`` — the
    class names (of a module or its direct bases) to initialise. With
    ``override`` (``wholemodule``) the named submodule is initialised
    whatever its type."""

    def __init__(self, *, bias=0, bias_prob=None, layer=None):
        self.wholemodule = False
        if not isinstance(bias, (int, float)):
            raise TypeError(f'{type(self).__name__}: bias must be a number, got {bias!r}')
        if bias_prob is not None and not isinstance(bias_prob, float):
            raise TypeError(f'{type(self).__name__}: bias_prob must be a float, got {bias_prob!r}')
        if layer is not None and not isinstance(layer, (str, list)):
            raise TypeError(f'{type(self).__name__}: layer must be a str or a list of str, '
                            f'got {layer!r}')
        self.bias = bias_init_with_prob(bias_prob) if bias_prob is not None else bias
        self.layer = [] if layer is None else ([layer] if isinstance(layer, str) else layer)

    def _init_module(self, module) -> None:
        raise NotImplementedError

    def _get_init_info(self) -> str:
        return f'{type(self).__name__}, bias={self.bias}'

    def __call__(self, module) -> None:
        def init(m):
            if self.wholemodule or set(self.layer) & {type(m).__name__, *_bases_names(m)}:
                self._init_module(m)

        module.apply(init)
        if hasattr(module, '_params_init_info'):
            update_init_info(module, init_info=self._get_init_info())


@WEIGHT_INITIALIZERS.register_module(name='Constant')
class ConstantInit(BaseInit):
    """Fill weights with ``val`` (and biases with ``bias``)."""

    def __init__(self, val, **kwargs):
        super().__init__(**kwargs)
        self.val = val

    def _init_module(self, m):
        constant_init(m, self.val, self.bias)

    def _get_init_info(self):
        return f'{type(self).__name__}: val={self.val}, bias={self.bias}'


@WEIGHT_INITIALIZERS.register_module(name='Xavier')
class XavierInit(BaseInit):
    """Xavier/Glorot initialisation."""

    def __init__(self, gain=1, distribution='normal', **kwargs):
        super().__init__(**kwargs)
        self.gain = gain
        self.distribution = distribution

    def _init_module(self, m):
        xavier_init(m, self.gain, self.bias, self.distribution)

    def _get_init_info(self):
        return (f'{type(self).__name__}: gain={self.gain}, '
                f'distribution={self.distribution}, bias={self.bias}')


@WEIGHT_INITIALIZERS.register_module(name='Normal')
class NormalInit(BaseInit):
    """Normal-distributed weights."""

    def __init__(self, mean=0, std=1, **kwargs):
        super().__init__(**kwargs)
        self.mean = mean
        self.std = std

    def _init_module(self, m):
        normal_init(m, self.mean, self.std, self.bias)

    def _get_init_info(self):
        return f'{type(self).__name__}: mean={self.mean}, std={self.std}, bias={self.bias}'


@WEIGHT_INITIALIZERS.register_module(name='TruncNormal')
class TruncNormalInit(BaseInit):
    """Truncated-normal weights in ``[a, b]``."""

    def __init__(self, mean: float = 0, std: float = 1, a: float = -2, b: float = 2, **kwargs):
        super().__init__(**kwargs)
        self.mean, self.std, self.a, self.b = mean, std, a, b

    def _init_module(self, m):
        trunc_normal_init(m, self.mean, self.std, self.a, self.b, self.bias)

    def _get_init_info(self):
        return (f'{type(self).__name__}: a={self.a}, b={self.b}, mean={self.mean}, '
                f'std={self.std}, bias={self.bias}')


@WEIGHT_INITIALIZERS.register_module(name='Uniform')
class UniformInit(BaseInit):
    """Uniform weights in ``[a, b]``."""

    def __init__(self, a=0, b=1, **kwargs):
        super().__init__(**kwargs)
        self.a, self.b = a, b

    def _init_module(self, m):
        uniform_init(m, self.a, self.b, self.bias)

    def _get_init_info(self):
        return f'{type(self).__name__}: a={self.a}, b={self.b}, bias={self.bias}'


@WEIGHT_INITIALIZERS.register_module(name='Kaiming')
class KaimingInit(BaseInit):
    """Kaiming/He initialisation."""

    def __init__(self, a=0, mode='fan_out', nonlinearity='relu', distribution='normal',
                 **kwargs):
        super().__init__(**kwargs)
        self.a, self.mode = a, mode
        self.nonlinearity, self.distribution = nonlinearity, distribution

    def _init_module(self, m):
        kaiming_init(m, self.a, self.mode, self.nonlinearity, self.bias, self.distribution)

    def _get_init_info(self):
        return (f'{type(self).__name__}: a={self.a}, mode={self.mode}, '
                f'nonlinearity={self.nonlinearity}, distribution ={self.distribution}, '
                f'bias={self.bias}')


@WEIGHT_INITIALIZERS.register_module(name='Caffe2Xavier')
class Caffe2XavierInit(KaimingInit):
    """Caffe2's XavierFill."""

    def __init__(self, **kwargs):
        super().__init__(a=1, mode='fan_in', nonlinearity='leaky_relu',
                         distribution='uniform', **kwargs)


@WEIGHT_INITIALIZERS.register_module(name='Pretrained')
class PretrainedInit:
    """Load weights from ``checkpoint`` (a path or URL); with ``prefix``,
    only the keys under that prefix, with the prefix removed."""

    def __init__(self, checkpoint, prefix=None, map_location='cpu'):
        self.checkpoint = checkpoint
        self.prefix = prefix
        self.map_location = map_location

    def __call__(self, module) -> None:
        from ..runner.checkpoint import (_load_checkpoint_with_prefix,
                                         load_checkpoint, load_state_dict)
        if self.prefix is None:
            print_log(f'load model from: {self.checkpoint}', logger='current')
            load_checkpoint(module, self.checkpoint, map_location=self.map_location,
                            strict=False, logger='current')
        else:
            print_log(f'load {self.prefix} in model from: {self.checkpoint}', logger='current')
            state_dict = _load_checkpoint_with_prefix(self.prefix, self.checkpoint,
                                                      map_location=self.map_location)
            load_state_dict(module, state_dict, strict=False, logger='current')
        if hasattr(module, '_params_init_info'):
            update_init_info(module, init_info=self._get_init_info())

    def _get_init_info(self) -> str:
        return f'{type(self).__name__}: load from {self.checkpoint}'


def _initialize(module, cfg, wholemodule=False) -> None:
    func = build_from_cfg(cfg, WEIGHT_INITIALIZERS)
    func.wholemodule = wholemodule
    func(module)


def _initialize_override(module, override, cfg) -> None:
    if not isinstance(override, (dict, list)):
        raise TypeError(f'init_cfg override must be a dict or a list of dicts, got {override!r}')
    for entry in [override] if isinstance(override, dict) else override:
        entry = copy.deepcopy(entry)
        name = entry.pop('name', None)
        if name is None:
            raise ValueError(f'init_cfg override needs a "name" key, got {entry!r}')
        if not entry:
            entry.update(cfg)  # only a name: use the outer init_cfg's arguments
        elif 'type' not in entry:
            raise ValueError(f'init_cfg override {entry!r} for {name!r} needs a "type" key')
        if not hasattr(module, name):
            raise RuntimeError(f'init_cfg override names {name!r}, but '
                               f'{type(module).__name__} has no such attribute')
        _initialize(getattr(module, name), entry, wholemodule=True)


def initialize(module: nn.Module, init_cfg) -> None:
    """Initialise ``module`` from one or a list of ``init_cfg`` dicts."""
    if not isinstance(init_cfg, (dict, list)):
        raise TypeError(f'init_cfg must be a dict or a list of dicts, got {init_cfg!r}')
    for cfg in [init_cfg] if isinstance(init_cfg, dict) else init_cfg:
        # Copy: one init_cfg may be shared by several modules.
        cfg = copy.deepcopy(cfg)
        override = cfg.pop('override', None)
        _initialize(module, cfg)
        if override is not None:
            cfg.pop('layer', None)
            _initialize_override(module, override, cfg)


def trunc_normal_(tensor: Tensor, mean: float = 0., std: float = 1., a: float = -2.,
                  b: float = 2.) -> Tensor:
    """Fill ``tensor`` from N(mean, std²) truncated to [a, b] (inverse-CDF
    sampling, as MMEngine and timm do)."""
    def norm_cdf(x):
        return (1. + math.erf(x / math.sqrt(2.))) / 2.

    if (mean < a - 2 * std) or (mean > b + 2 * std):
        warnings.warn('mean is more than 2 std from [a, b] in trunc_normal_; the '
                      'distribution of values may be incorrect.', stacklevel=2)
    with torch.no_grad():
        lower = norm_cdf((a - mean) / std)
        upper = norm_cdf((b - mean) / std)
        tensor.uniform_(2 * lower - 1, 2 * upper - 1)
        tensor.erfinv_()
        tensor.mul_(std * math.sqrt(2.))
        tensor.add_(mean)
        tensor.clamp_(min=a, max=b)
        return tensor
