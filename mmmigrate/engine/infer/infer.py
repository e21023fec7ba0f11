"""``BaseInferencer``: a model built from a config (a file, a Config, or a
model name of the scope's metafile) with its weights, run on inputs in
batches: ``preprocess`` -> ``forward`` -> ``visualize`` -> ``postprocess``."""
import copy
import importlib
import os.path as osp
import re
import warnings
from abc import ABCMeta, abstractmethod
from datetime import datetime
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch
import torch.nn as nn

from ..config import Config, ConfigDict
from ..config.utils import MODULE2PACKAGE
from ..dataset import pseudo_collate
from ..device import get_device
from ..fileio import get_file_backend, isdir, join_path, list_dir_or_file, load
from ..logging import print_log
from ..registry import FUNCTIONS, MODELS, VISUALIZERS, DefaultScope
from ..runner.checkpoint import _load_checkpoint, _load_checkpoint_to_model
from ..structures import InstanceData
from ..visualization import Visualizer

InstanceList = List[InstanceData]
InputType = Union[str, np.ndarray, torch.Tensor]
InputsType = Union[InputType, Sequence[InputType]]
ImgType = Union[np.ndarray, Sequence[np.ndarray]]
ResType = Union[Dict, List[Dict]]
ConfigType = Union[Config, ConfigDict]
ModelType = Union[dict, ConfigType, str]

_STAGES = ('preprocess_kwargs', 'forward_kwargs', 'visualize_kwargs', 'postprocess_kwargs')


class InferencerMeta(ABCMeta):
    """Checks that each keyword argument of ``__call__`` belongs to one stage."""

    def __init__(cls, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sets = [getattr(cls, stage) for stage in _STAGES]
        assert all(isinstance(s, set) for s in sets), f'{_STAGES} must be sets'
        assert len(set().union(*sets)) == sum(map(len, sets)), (
            f'Class define error! {cls.__name__} should not define duplicated keys for '
            '`preprocess_kwargs`, `forward_kwargs`, `visualize_kwargs` and '
            '`postprocess_kwargs` are not allowed.')


class BaseInferencer(metaclass=InferencerMeta):
    """Subclasses write ``_init_pipeline``, ``visualize`` and
    ``postprocess`` and list the keyword arguments each stage takes in
    ``preprocess_kwargs`` ... ``postprocess_kwargs``."""
    preprocess_kwargs: set = set()
    forward_kwargs: set = set()
    visualize_kwargs: set = set()
    postprocess_kwargs: set = set()

    def __init__(self, model: Union[ModelType, str, None] = None, weights: Optional[str] = None,
                 device: Optional[str] = None, scope: Optional[str] = None,
                 show_progress: bool = True) -> None:
        if scope is None:
            default_scope = DefaultScope.get_current_instance()
            if default_scope is not None:
                scope = default_scope.scope_name
        self.scope = scope
        if isinstance(model, str):
            if osp.isfile(model):
                cfg = Config.fromfile(model)
            else:
                cfg, metafile_weights = self._load_model_from_metafile(model)
                weights = metafile_weights if weights is None else weights
        elif isinstance(model, (Config, ConfigDict)):
            cfg = copy.deepcopy(model)
        elif isinstance(model, dict):
            cfg = copy.deepcopy(ConfigDict(model))
        elif model is None:
            if weights is None:
                raise ValueError('If model is None, the weights must be specified since the '
                                 'config needs to be loaded from the weights')
            cfg = ConfigDict()
        else:
            raise TypeError(f'model must be a filepath or any ConfigType object, but got '
                            f'{type(model)}')
        self.model = self._init_model(cfg, weights, device or get_device())
        self.pipeline = self._init_pipeline(cfg)
        self.collate_fn = self._init_collate(cfg)
        self.visualizer = self._init_visualizer(cfg)
        self.cfg = cfg
        self.show_progress = show_progress

    def __call__(self, inputs: InputsType, return_datasamples: bool = False,
                 batch_size: int = 1, **kwargs) -> dict:
        preprocess_kwargs, forward_kwargs, visualize_kwargs, postprocess_kwargs = \
            self._dispatch_kwargs(**kwargs)
        ori_inputs = self._inputs_to_list(inputs)
        batches = self.preprocess(ori_inputs, batch_size=batch_size, **preprocess_kwargs)
        if self.show_progress:
            from ..utils import track_iter_progress
            batches = track_iter_progress(list(batches))
        preds = []
        for data in batches:
            preds.extend(self.forward(data, **forward_kwargs))
        visualization = self.visualize(ori_inputs, preds, **visualize_kwargs)
        return self.postprocess(preds, visualization, return_datasamples, **postprocess_kwargs)

    def _inputs_to_list(self, inputs: InputsType) -> list:
        """A folder becomes its files; one input becomes a list of one."""
        if isinstance(inputs, str):
            backend = get_file_backend(inputs)
            if hasattr(backend, 'isdir') and isdir(inputs):
                inputs = [join_path(inputs, name)
                          for name in list_dir_or_file(inputs, list_dir=False)]
        if not isinstance(inputs, (list, tuple)):
            inputs = [inputs]
        return list(inputs)

    def preprocess(self, inputs: InputsType, batch_size: int = 1, **kwargs):
        """Batches of ``batch_size`` pipeline outputs, collated."""
        yield from map(self.collate_fn, self._get_chunk_data(map(self.pipeline, inputs),
                                                             batch_size))

    @torch.no_grad()
    def forward(self, inputs: Union[dict, tuple], **kwargs) -> Any:
        return self.model.test_step(inputs)

    @abstractmethod
    def visualize(self, inputs: list, preds: Any, show: bool = False,
                  **kwargs) -> List[np.ndarray]:
        """Images of the predictions (or None)."""

    @abstractmethod
    def postprocess(self, preds: Any, visualization: List[np.ndarray],
                    return_datasample=False, **kwargs) -> dict:
        """The results as a dict (predictions, visualization)."""

    def _load_model_from_metafile(self, model: str) -> Tuple[Config, str]:
        """The config and weights of model ``model`` (a name or alias in the
        scope's ``model-index.yml``)."""
        model = model.lower()
        assert self.scope is not None, \
            'scope should be initialized if you want to load config from metafile.'
        assert self.scope in MODULE2PACKAGE, \
            f'{self.scope} not in {MODULE2PACKAGE}!,please pass a valid scope.'
        folder = BaseInferencer._get_repo_or_mim_dir(self.scope)
        for model_cfg in BaseInferencer._get_models_from_metafile(folder):
            aliases = model_cfg.get('Alias', [])
            aliases = [aliases] if isinstance(aliases, str) else aliases
            if model in [model_cfg['Name'].lower()] + [a.lower() for a in aliases]:
                cfg = Config.fromfile(osp.join(folder, model_cfg['Config']))
                weights = model_cfg['Weights']
                return cfg, (weights[0] if isinstance(weights, list) else weights)
        raise ValueError(f'Cannot find model: {model} in {self.scope}')

    @staticmethod
    def _get_repo_or_mim_dir(scope):
        """The source checkout of package ``scope`` (with ``configs/``), or
        its installed ``.mim`` folder."""
        try:
            module = importlib.import_module(scope)
        except ImportError:
            if scope not in MODULE2PACKAGE:
                raise KeyError(f'{scope} is not a valid scope. The available scopes are '
                               f'{MODULE2PACKAGE.keys()}') from None
            project = MODULE2PACKAGE[scope]
            raise ImportError(f'Cannot import {scope} correctly, please try to install the '
                              f'{project} by "pip install {project}"') from None
        package_path = module.__path__[0]
        if osp.exists(osp.join(osp.dirname(package_path), 'configs')):
            return osp.dirname(package_path)
        mim_dir = osp.join(package_path, '.mim')
        if not osp.exists(osp.join(mim_dir, 'configs')):
            raise FileNotFoundError(f'Cannot find `configs` directory in {package_path}!, '
                                    f'please check the completeness of the {scope}.')
        return mim_dir

    def _init_model(self, cfg: ConfigType, weights: Optional[str],
                    device: str = 'cpu') -> nn.Module:
        checkpoint = _load_checkpoint(weights, map_location='cpu') if weights is not None \
            else None
        if not cfg:  # the config saved in the checkpoint
            assert checkpoint is not None
            try:
                cfg_string = checkpoint['message_hub']['runtime_info']['cfg']
            except KeyError:
                assert 'meta' in checkpoint, (
                    'If model(config) is not provided, the checkpoint must contain the config '
                    'string in `meta` or `message_hub`, but both are missing.')
                if 'cfg' not in checkpoint['meta']:
                    raise ValueError('Cannot find the config in the checkpoint.') from None
                cfg_string = checkpoint['meta']['cfg']
            cfg.update(Config.fromstring(cfg_string, file_format='.py')._cfg_dict)
        if cfg.model.get('pretrained') is not None:
            del cfg.model.pretrained
        model = MODELS.build(cfg.model)
        model.cfg = cfg
        self._load_weights_to_model(model, checkpoint, cfg)
        model.to(device)
        model.eval()
        return model

    def _load_weights_to_model(self, model: nn.Module, checkpoint: Optional[dict],
                               cfg: Optional[ConfigType]) -> None:
        if checkpoint is not None:
            _load_checkpoint_to_model(model, checkpoint)
        else:
            warnings.warn('Checkpoint is not loaded, and the inference result is calculated by '
                          'the randomly initialized model!')

    def _init_collate(self, cfg: ConfigType) -> Callable:
        try:
            with FUNCTIONS.switch_scope_and_registry(self.scope) as registry:
                return registry.get(cfg.test_dataloader.collate_fn)
        except AttributeError:
            return pseudo_collate

    @abstractmethod
    def _init_pipeline(self, cfg: ConfigType) -> Callable:
        """The callable that turns one input into a model input."""

    def _init_visualizer(self, cfg: ConfigType) -> Optional[Visualizer]:
        if 'visualizer' not in cfg:
            return None
        timestamp = str(datetime.timestamp(datetime.now()))
        name = cfg.visualizer.get('name', timestamp)
        if Visualizer.check_instance_created(name):
            name = f'{name}-{timestamp}'
        cfg.visualizer.name = name
        return VISUALIZERS.build(cfg.visualizer)

    def _get_chunk_data(self, inputs: Iterable, chunk_size: int):
        chunk: list = []
        for item in inputs:
            chunk.append(item)
            if len(chunk) == chunk_size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def _dispatch_kwargs(self, **kwargs) -> Tuple[Dict, Dict, Dict, Dict]:
        known = (self.preprocess_kwargs | self.forward_kwargs | self.visualize_kwargs
                 | self.postprocess_kwargs)
        unknown = set(kwargs) - known
        if unknown:
            raise ValueError(f'unknown argument {unknown} for `preprocess`, `forward`, '
                             '`visualize` and `postprocess`')
        stages: Tuple[Dict, Dict, Dict, Dict] = ({}, {}, {}, {})
        for key, value in kwargs.items():
            index = next(i for i, stage in enumerate(_STAGES) if key in getattr(self, stage))
            stages[index][key] = value
        return stages

    @staticmethod
    def _get_models_from_metafile(folder: str):
        for meta_path in load(osp.join(folder, 'model-index.yml'))['Import']:
            yield from load(osp.join(folder, meta_path))['Models']

    @staticmethod
    def list_models(scope: Optional[str] = None, patterns: str = '.*'):
        """The model names (and aliases) of ``scope``'s metafile matching ``patterns``."""
        if scope is None:
            default_scope = DefaultScope.get_current_instance()
            assert default_scope is not None, \
                'scope should be initialized if you want to load config from metafile.'
            scope = default_scope.scope_name
        assert scope in MODULE2PACKAGE, f'{scope} not in {MODULE2PACKAGE}!, please pass a valid scope.'
        folder = BaseInferencer._get_repo_or_mim_dir(scope)
        matched = [name for model_cfg in BaseInferencer._get_models_from_metafile(folder)
                   for name in [model_cfg['Name']] + list(model_cfg.get('Alias', []))
                   if re.match(patterns, name) is not None]
        print_log(''.join(f'model_name: {name}\n' for name in matched), logger='current')
        return matched
