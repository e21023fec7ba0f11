"""``MessageHub``: the scalars and runtime facts shared by the runner, hooks
and optimizer wrappers (e.g. ``train/grad_norm``)."""
import copy
import logging
from collections import OrderedDict
from typing import Any, Optional

from ..utils.manager import ManagerMixin
from .history_buffer import HistoryBuffer
from .logger import print_log


def _to_number(value):
    """Accept ints, floats and one-element tensors / arrays."""
    if isinstance(value, (int, float)):
        return value
    if hasattr(value, 'numel') and value.numel() == 1:
        return value.item()
    if hasattr(value, 'size') and getattr(value, 'size') == 1 and hasattr(value, 'item'):
        return value.item()
    # AssertionError throughout, as MMEngine raises.
    raise AssertionError(f'expected a number or a one-element tensor, got {value!r}')


class MessageHub(ManagerMixin):
    """Holds ``log_scalars`` (one ``HistoryBuffer`` per key) and
    ``runtime_info`` (latest value per key); ``resumed_keys`` says which of
    them go into checkpoints."""

    def __init__(self,
                 name: str,
                 log_scalars: Optional[dict] = None,
                 runtime_info: Optional[dict] = None,
                 resumed_keys: Optional[dict] = None):
        super().__init__(name)
        self._log_scalars = OrderedDict(log_scalars or {})
        self._runtime_info = OrderedDict(runtime_info or {})
        self._resumed_keys = OrderedDict(resumed_keys or {})
        for key, value in self._log_scalars.items():
            if not isinstance(value, HistoryBuffer):
                raise AssertionError(f'log_scalars[{key!r}] must be a HistoryBuffer')
        for key in self._resumed_keys:
            if key not in self._log_scalars and key not in self._runtime_info:
                raise AssertionError(f'resumed key {key!r} is neither in log_scalars nor in '
                                     'runtime_info')

    @classmethod
    def get_current_instance(cls) -> 'MessageHub':
        if not cls._instance_dict:
            cls.get_instance('mmengine')
        return super().get_current_instance()

    def _set_resumed_keys(self, key: str, resumed: bool) -> None:
        if key not in self._resumed_keys:
            self._resumed_keys[key] = resumed
        elif self._resumed_keys[key] != resumed:
            raise AssertionError(f'{key!r} was registered with resumed='
                             f'{self._resumed_keys[key]}, cannot change it to {resumed}')

    def update_scalar(self, key: str, value, count: int = 1, resumed: bool = True) -> None:
        if self._resumed_keys.get(key) is not resumed:
            self._set_resumed_keys(key, resumed)
        if type(value) is not float:
            value = _to_number(value)
        if not isinstance(count, int):
            raise AssertionError(f'count must be an int, got {type(count).__name__}')
        buffer = self._log_scalars.get(key)
        if buffer is not None:
            buffer.update(value, count)
        else:
            self._log_scalars[key] = HistoryBuffer([value], [count])

    def update_scalars(self, log_dict: dict, resumed: bool = True) -> None:
        for key, value in log_dict.items():
            if isinstance(value, dict):
                if 'value' not in value:
                    raise AssertionError(f'{key!r}: a dict scalar needs a "value" key, got '
                                         f'{sorted(value)}')
                self.update_scalar(key, value['value'], _to_number(value.get('count', 1)), resumed)
            else:
                self.update_scalar(key, value, 1, resumed)

    def update_info(self, key: str, value: Any, resumed: bool = True) -> None:
        if self._resumed_keys.get(key) is not resumed:
            self._set_resumed_keys(key, resumed)
        self._runtime_info[key] = value

    def update_info_dict(self, info_dict: dict, resumed: bool = True) -> None:
        for key, value in info_dict.items():
            self.update_info(key, value, resumed=resumed)

    def pop_info(self, key: str, default: Any = None) -> Any:
        return self._runtime_info.pop(key, default)

    @property
    def log_scalars(self) -> OrderedDict:
        return self._log_scalars

    @property
    def runtime_info(self) -> OrderedDict:
        return self._runtime_info

    def get_scalar(self, key: str) -> HistoryBuffer:
        if key not in self._log_scalars:
            raise KeyError(f'{key!r} has not been logged in MessageHub '
                           f'{self.instance_name!r} (known: {list(self._log_scalars)})')
        return self._log_scalars[key]

    def get_info(self, key: str, default: Any = None) -> Any:
        return self._runtime_info.get(key, default)

    def state_dict(self) -> dict:
        scalars = OrderedDict((k, copy.deepcopy(v)) for k, v in self._log_scalars.items()
                              if self._resumed_keys.get(k, False))
        info = OrderedDict()
        for key, value in self._runtime_info.items():
            if self._resumed_keys.get(key, False):
                try:
                    info[key] = copy.deepcopy(value)
                except Exception:  # an uncopyable object is saved by reference
                    info[key] = value
        return dict(log_scalars=scalars, runtime_info=info,
                    resumed_keys=OrderedDict(self._resumed_keys))

    def plain_state_dict(self) -> dict:
        """``state_dict()`` with the buffers as plain data: checkpoints built
        from it load with ``torch.load(weights_only=True)``, in this engine
        and in MMEngine (which skips the buffers it cannot read)."""
        state = self.state_dict()
        state['log_scalars'] = OrderedDict((k, v.to_plain())
                                           for k, v in state['log_scalars'].items())
        return state

    def load_state_dict(self, state_dict) -> None:
        if isinstance(state_dict, MessageHub):
            state_dict = dict(log_scalars=state_dict._log_scalars,
                              runtime_info=state_dict._runtime_info,
                              resumed_keys=state_dict._resumed_keys)
        missing = [k for k in ('log_scalars', 'runtime_info', 'resumed_keys')
                   if k not in state_dict]
        if missing:
            raise KeyError(f'message_hub state is missing {missing}')
        for key, value in state_dict['log_scalars'].items():
            if isinstance(value, HistoryBuffer):
                self._log_scalars[key] = copy.deepcopy(value)
            elif isinstance(value, dict) and 'log_history' in value:
                self._log_scalars[key] = HistoryBuffer.from_plain(value)
            else:
                print_log(f'{key} in message_hub is not a HistoryBuffer; not resumed',
                          logger='current', level=logging.WARNING)
        for key, value in state_dict['runtime_info'].items():
            try:
                self._runtime_info[key] = copy.deepcopy(value)
            except Exception:
                self._runtime_info[key] = value
        for key, value in state_dict['resumed_keys'].items():
            if key in self._log_scalars or key in self._runtime_info:
                self._resumed_keys[key] = value
