"""Runner utilities (``mmengine.runner``): mixed precision and checkpoint
loading. The Runner and its loops build on these."""
from .amp import autocast
from .checkpoint import (get_state_dict, load_checkpoint, load_state_dict,
                         weights_to_cpu)

__all__ = ['autocast', 'get_state_dict', 'load_checkpoint', 'load_state_dict',
           'weights_to_cpu']
