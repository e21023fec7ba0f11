"""The runner (``mmengine.runner``): Runner, loops, log processing,
checkpoints, mixed precision."""
from ..hooks.priority import Priority, get_priority
from .activation_checkpointing import turn_on_activation_checkpointing
from .amp import autocast
from .base_loop import BaseLoop
from .checkpoint import (CheckpointLoader, find_latest_checkpoint, get_deprecated_model_names,
                         get_external_models, get_mmcls_models, get_state_dict,
                         get_torchvision_models, load_checkpoint, load_state_dict,
                         save_checkpoint, weights_to_cpu)
from .log_processor import LogProcessor
from .loops import EpochBasedTrainLoop, IterBasedTrainLoop, TestLoop, ValLoop
from .runner import Runner
from .runner_checkpointing import CheckpointMismatchError
from .utils import set_random_seed

__all__ = [
    'BaseLoop', 'CheckpointLoader', 'CheckpointMismatchError', 'EpochBasedTrainLoop',
    'IterBasedTrainLoop', 'LogProcessor', 'Priority', 'Runner', 'TestLoop', 'ValLoop',
    'autocast', 'find_latest_checkpoint', 'get_deprecated_model_names', 'get_external_models',
    'get_mmcls_models', 'get_priority', 'get_state_dict', 'get_torchvision_models',
    'load_checkpoint', 'load_state_dict', 'save_checkpoint', 'set_random_seed',
    'turn_on_activation_checkpointing', 'weights_to_cpu'
]
