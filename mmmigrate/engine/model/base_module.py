"""``BaseModule``: an ``nn.Module`` initialised from ``init_cfg``, and the
``Sequential`` / ``ModuleList`` / ``ModuleDict`` variants."""
import copy
import logging
from abc import ABCMeta
from collections import defaultdict
from logging import FileHandler
from typing import Iterable, List, Optional, Union

import torch.nn as nn

from ..dist import master_only
from ..logging import MMLogger, print_log
from .weight_init import PretrainedInit, initialize, update_init_info
from .wrappers.utils import is_model_wrapper


def _is_pretrained(cfg: dict) -> bool:
    return cfg['type'] == 'Pretrained' or cfg['type'] is PretrainedInit


class BaseModule(nn.Module, metaclass=ABCMeta):
    """``init_weights()`` applies ``init_cfg`` (a dict or a list of dicts):
    first the non-``Pretrained`` entries, then every child's own
    ``init_weights`` (children already initialised are skipped), and the
    ``Pretrained`` entries last, so loaded weights are never overwritten.
    The top-level call logs how each parameter was initialised."""

    def __init__(self, init_cfg: Union[dict, List[dict], None] = None):
        super().__init__()
        self._is_init = False
        self.init_cfg = copy.deepcopy(init_cfg)

    @property
    def is_init(self) -> bool:
        return self._is_init

    @is_init.setter
    def is_init(self, value: bool) -> None:
        self._is_init = value

    def _start_init_info(self) -> None:
        self._params_init_info = defaultdict(dict)
        for param in self.parameters():
            self._params_init_info[param]['init_info'] = (
                'The value is the same before and after calling `init_weights` '
                f'of {type(self).__name__} ')
            self._params_init_info[param]['tmp_mean_value'] = param.data.mean().cpu()
        # Every submodule shares the table, so changes at any level show.
        for module in self.modules():
            module._params_init_info = self._params_init_info

    def init_weights(self) -> None:
        top_level = not hasattr(self, '_params_init_info')
        if top_level:
            self._start_init_info()
        if self._is_init:
            print_log(f'init_weights of {type(self).__name__} has been called more than once.',
                      logger='current', level=logging.WARNING)
        else:
            pretrained_cfgs = []
            if self.init_cfg:
                print_log(f'initialize {type(self).__name__} with init_cfg {self.init_cfg}',
                          logger='current', level=logging.DEBUG)
                cfgs = [self.init_cfg] if isinstance(self.init_cfg, dict) else self.init_cfg
                for cfg in cfgs:
                    if not isinstance(cfg, dict):
                        raise TypeError(f'{type(self).__name__}.init_cfg entries must be '
                                        f'dicts, got {cfg!r}')
                pretrained_cfgs = [c for c in cfgs if _is_pretrained(c)]
                initialize(self, [c for c in cfgs if not _is_pretrained(c)])
            for child in self.children():
                if is_model_wrapper(child) and not hasattr(child, 'init_weights'):
                    child = child.module
                if hasattr(child, 'init_weights') and not getattr(child, 'is_init', False):
                    child.init_weights()
                    update_init_info(child, init_info='Initialized by user-defined '
                                     f'`init_weights` in {type(child).__name__} ')
            if pretrained_cfgs:
                initialize(self, pretrained_cfgs)
            self._is_init = True
        if top_level:
            self._dump_init_info()
            for module in self.modules():
                del module._params_init_info

    @master_only
    def _dump_init_info(self) -> None:
        """Write each parameter's initialisation to the log file (or, with
        no file handler, to the logger)."""
        logger = MMLogger.get_current_instance()
        lines = [(f'\n{name} - {param.shape}: '
                  f"\n{self._params_init_info[param]['init_info']} ")
                 for name, param in self.named_parameters()]
        file_handlers = [h for h in logger.handlers if isinstance(h, FileHandler)]
        for handler in file_handlers:
            handler.stream.write('Name of parameter - Initialization information\n')
            for line in lines:
                handler.stream.write(line + '\n')
            handler.stream.flush()
        if not file_handlers:
            for line in lines:
                logger.debug(line)

    def __repr__(self) -> str:
        text = super().__repr__()
        if self.init_cfg:
            text += f'\ninit_cfg={self.init_cfg}'
        return text


class Sequential(BaseModule, nn.Sequential):
    """``nn.Sequential`` with ``init_cfg``."""

    def __init__(self, *args, init_cfg: Optional[dict] = None):
        BaseModule.__init__(self, init_cfg)
        nn.Sequential.__init__(self, *args)


class ModuleList(BaseModule, nn.ModuleList):
    """``nn.ModuleList`` with ``init_cfg``."""

    def __init__(self, modules: Optional[Iterable] = None, init_cfg: Optional[dict] = None):
        BaseModule.__init__(self, init_cfg)
        nn.ModuleList.__init__(self, modules)


class ModuleDict(BaseModule, nn.ModuleDict):
    """``nn.ModuleDict`` with ``init_cfg``."""

    def __init__(self, modules: Optional[dict] = None, init_cfg: Optional[dict] = None):
        BaseModule.__init__(self, init_cfg)
        nn.ModuleDict.__init__(self, modules)
