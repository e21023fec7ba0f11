"""``LogProcessor``: turns the message hub's scalars into log lines and
tag dicts, with MMEngine's window smoothing and layout."""
import copy
import datetime
import re
from collections import OrderedDict
from itertools import chain
from typing import List, Optional, Tuple

import torch

from ..registry import LOG_PROCESSORS
from .base_loop import BaseLoop

_UNSEEN = object()
# the keys MMEngine's LogProcessor averages over its window by default
MEAN_PATTERN = r'.*(loss|time|data_time|grad_norm).*'


@LOG_PROCESSORS.register_module()
class LogProcessor:
    """Keys matching ``mean_pattern`` (losses, times, grad norm) are averaged
    over the last ``window_size`` iterations; others show their latest
    value. ``custom_cfg`` entries (``data_src``, ``log_name``,
    ``method_name``, ``window_size`` an int, ``'epoch'`` or ``'global'``)
    add statistics. ``by_epoch`` picks the ``Epoch(train) [e][i/n]`` or
    ``Iter(train) [i/n]`` layout."""

    def __init__(self, window_size=10, by_epoch=True, custom_cfg: Optional[List[dict]] = None,
                 num_digits: int = 4, log_with_hierarchy: bool = False,
                 mean_pattern=MEAN_PATTERN):
        self.window_size = window_size
        self.by_epoch = by_epoch
        self.custom_cfg = custom_cfg if custom_cfg else []
        self.num_digits = num_digits
        self.log_with_hierarchy = log_with_hierarchy
        self.mean_pattern = re.compile(mean_pattern)
        self._scalar_routes = {}  # (mode, reserve_prefix) -> {hub key: route}
        self._loader_lengths = {}  # mode -> (dataloader, epoch, its length)
        self._cuda = None  # whether to report GPU memory, asked once
        self._check_custom_cfg()

    def get_log_after_iter(self, runner, batch_idx: int, mode: str) -> Tuple[dict, str]:
        if mode not in ('train', 'val', 'test'):
            raise ValueError(f"mode must be 'train', 'val' or 'test', got {mode!r}")
        parsed_cfg = self._parse_windows_size(runner, batch_idx, self.custom_cfg) \
            if self.custom_cfg else []
        log_tag = self._collect_scalars(parsed_cfg, runner, mode)
        tag = OrderedDict(log_tag) if not self.log_with_hierarchy else \
            self._collect_scalars(parsed_cfg, runner, mode, True)
        lr_parts = []
        prefix = f'{mode}/'
        for key, value in tag.items():
            if key.endswith('lr'):
                key = self._remove_prefix(key, prefix)
                log_tag.pop(key)
                lr_parts.append(f'{key}: {value:.{self.num_digits}e}')
        lr_str = ' '.join(lr_parts)
        no_train_loop = isinstance(runner._train_loop, dict) or runner._train_loop is None
        if self.by_epoch:
            loader_len = self._get_dataloader_size(runner, mode)
            cur_iter_str = str(self._get_iter(runner, batch_idx)).rjust(len(str(loader_len)))
            if mode in ('train', 'val'):
                cur_epoch = self._get_epoch(runner, mode)
                cur_epoch_str = f'[{cur_epoch}]' if no_train_loop else \
                    f'[{cur_epoch}]'.rjust(len(str(runner.max_epochs)) + 3, ' ')
                tag['epoch'] = cur_epoch
                log_str = f'Epoch({mode}){cur_epoch_str}[{cur_iter_str}/{loader_len}]  '
            else:
                log_str = f'Epoch({mode}) [{cur_iter_str}/{loader_len}]  '
        elif mode == 'train':
            cur_iter_str = str(self._get_iter(runner, batch_idx)).rjust(
                len(str(runner.max_iters)))
            log_str = f'Iter({mode}) [{cur_iter_str}/{runner.max_iters}]  '
        else:
            loader_len = self._get_dataloader_size(runner, mode)
            cur_iter_str = str(batch_idx + 1).rjust(len(str(loader_len)))
            log_str = f'Iter({mode}) [{cur_iter_str}/{loader_len}]  '
        tag['iter'] = 0 if no_train_loop else runner.iter + 1
        log_str += f'{lr_str}  '
        runtime_info = runner.message_hub.runtime_info
        if 'time' in log_tag and 'data_time' in log_tag and 'eta' in runtime_info:
            eta = datetime.timedelta(seconds=int(runtime_info['eta']))
            log_str += (f'eta: {eta}  time: {log_tag["time"]:.{self.num_digits}f}  '
                        f'data_time: {log_tag["data_time"]:.{self.num_digits}f}  ')
            log_tag.pop('time')
            log_tag.pop('data_time')
        if self._cuda is None:
            self._cuda = torch.cuda.is_available()
        if self._cuda:
            max_memory = self._get_max_memory(runner)
            log_str += f'memory: {max_memory}  '
            tag['memory'] = max_memory
        if mode in ('train', 'val'):
            items = []
            for name, value in log_tag.items():
                if mode == 'val' and not name.startswith('val/loss'):
                    continue
                if isinstance(value, float):
                    value = f'{value:.{self.num_digits}f}'
                items.append(f'{name}: {value}')
            log_str += '  '.join(items)
        return tag, log_str

    def get_log_after_epoch(self, runner, batch_idx: int, mode: str,
                            with_non_scalar: bool = False) -> Tuple[dict, str]:
        if mode not in ('val', 'test'):
            raise ValueError(f"mode must be 'val' or 'test', got {mode!r}")
        loader_len = self._get_dataloader_size(runner, mode)
        if self.by_epoch and mode == 'val':
            log_str = (f'Epoch({mode}) [{self._get_epoch(runner, mode)}]'
                       f'[{loader_len}/{loader_len}]  ')
        elif self.by_epoch:
            log_str = f'Epoch({mode}) [{loader_len}/{loader_len}]  '
        else:
            log_str = f'Iter({mode}) [{loader_len}/{loader_len}]  '
        custom_cfg = copy.deepcopy(self.custom_cfg)
        custom_keys = [self._remove_prefix(cfg['data_src'], f'{mode}/') for cfg in custom_cfg]
        for key in ('time', 'data_time'):
            if key not in custom_keys:
                custom_cfg.append(dict(data_src=key, window_size='epoch', method_name='mean'))
        parsed_cfg = self._parse_windows_size(runner, batch_idx, custom_cfg)
        scalars = self._collect_scalars(parsed_cfg, runner, mode, self.log_with_hierarchy)
        non_scalars = self._collect_non_scalars(runner, mode)
        tag, time_tag = OrderedDict(), OrderedDict()
        for key, value in scalars.items():
            if key in (f'{mode}/time', f'{mode}/data_time', 'time', 'data_time'):
                time_tag[key] = value
            else:
                tag[key] = value
        items = []
        for name, value in chain(tag.items(), non_scalars.items(), time_tag.items()):
            if isinstance(value, float):
                value = f'{value:.{self.num_digits}f}'
            elif hasattr(value, 'shape') and hasattr(value, 'dtype'):
                value = f'\n{value}\n'
            items.append(f'{name}: {value}')
        log_str += '  ' + '  '.join(items)
        if with_non_scalar:
            tag.update(non_scalars)
        tag.update(time_tag)
        return tag, log_str

    def _collect_scalars(self, custom_cfg: List[dict], runner, mode: str,
                         reserve_prefix: bool = False) -> dict:
        tag = OrderedDict()
        mode_scalars = {}  # only the custom statistics below read it
        # hub key -> (logged name, whether it is smoothed), or None for keys
        # of other modes; worked out once per key.
        routes = self._scalar_routes.get((mode, reserve_prefix))
        if routes is None:
            routes = self._scalar_routes[mode, reserve_prefix] = {}
        window_size = self.window_size
        for prefix_key, buffer in runner.message_hub.log_scalars.items():
            route = routes.get(prefix_key, _UNSEEN)
            if route is _UNSEEN:
                route = routes[prefix_key] = self._scalar_route(prefix_key, mode, reserve_prefix)
            if route is None:
                continue
            key, smoothed = route
            if custom_cfg:
                mode_scalars[key] = buffer
            # a key met twice keeps its first place and its last buffer
            tag[key] = buffer.mean(window_size) if smoothed else buffer.current()
        for log_cfg in copy.deepcopy(custom_cfg) if custom_cfg else ():
            data_src = log_cfg.pop('data_src')
            log_name = log_cfg.pop('log_name', data_src)
            if reserve_prefix:
                data_src, log_name = f'{mode}/{data_src}', f'{mode}/{log_name}'
            if data_src in mode_scalars:
                tag[log_name] = mode_scalars[data_src].statistics(**log_cfg)
        return tag

    def _scalar_route(self, prefix_key: str, mode: str, reserve_prefix: bool):
        if not prefix_key.startswith(mode):
            return None
        key = prefix_key if reserve_prefix else self._remove_prefix(prefix_key, f'{mode}/')
        return key, self.mean_pattern.search(key) is not None

    def _collect_non_scalars(self, runner, mode: str) -> dict:
        infos = OrderedDict()
        for prefix_key, value in runner.message_hub.runtime_info.items():
            if prefix_key.startswith(mode):
                key = prefix_key if self.log_with_hierarchy else self._remove_prefix(
                    prefix_key, f'{mode}/')
                infos[key] = value
        return infos

    @staticmethod
    def _remove_prefix(string: str, prefix: str) -> str:
        return string[len(prefix):] if string.startswith(prefix) else string

    def _check_custom_cfg(self) -> None:
        seen = set()
        for log_cfg in self.custom_cfg:
            if 'data_src' not in log_cfg:
                raise KeyError(f'log_processor.custom_cfg entry {log_cfg!r} needs "data_src"')
            name = log_cfg.get('log_name', log_cfg['data_src'])
            # AssertionError, as MMEngine raises
            if name in seen:
                raise AssertionError(f'log_processor.custom_cfg defines {name!r} twice; give '
                                     'each entry its own log_name')
            seen.add(name)
            if not self.by_epoch and log_cfg.get('window_size') == 'epoch':
                raise AssertionError("log_processor.custom_cfg: window_size='epoch' needs "
                                     'by_epoch=True')

    def _parse_windows_size(self, runner, batch_idx: int,
                            custom_cfg: Optional[list] = None) -> list:
        custom_cfg = copy.deepcopy(self.custom_cfg if custom_cfg is None else custom_cfg)
        for log_cfg in custom_cfg:
            window_size = log_cfg.get('window_size', None)
            if window_size is None or isinstance(window_size, int):
                continue
            if window_size == 'epoch':
                log_cfg['window_size'] = batch_idx + 1
            elif window_size == 'global':
                log_cfg['window_size'] = runner.iter + 1
            else:
                raise TypeError("window_size must be an int, 'epoch' or 'global', got "
                                f'{window_size!r}')
        return custom_cfg

    def _get_max_memory(self, runner) -> int:
        device = getattr(runner.model, 'output_device', None)
        memory = torch.cuda.max_memory_allocated(device=device)
        torch.cuda.reset_peak_memory_stats(device=device)
        return int(memory / (1024 * 1024))

    def _get_iter(self, runner, batch_idx: int) -> int:
        return batch_idx + 1 if self.by_epoch else runner.iter + 1

    def _get_epoch(self, runner, mode: str) -> int:
        if mode == 'train':
            return runner.epoch + 1
        if mode != 'val':
            raise ValueError(f"runner mode should be 'train' or 'val', but got {mode}")
        if isinstance(runner._train_loop, dict) or runner._train_loop is None:
            return 0
        return runner.epoch

    @staticmethod
    def _get_cur_loop(runner, mode: str):
        # Only the loop asked for: the others are built lazily, when they run.
        if mode == 'train':
            return runner.train_loop
        return runner.val_loop if mode == 'val' else runner.test_loop

    def _get_dataloader_size(self, runner, mode: str) -> int:
        # len(DataLoader) goes through several Python calls (batch sampler,
        # sampler); it is read once per loader and epoch.
        loader = self._get_cur_loop(runner, mode).dataloader
        # Reading runner.epoch would build a train loop that a test run never uses.
        epoch = runner.epoch if mode == 'train' or isinstance(
            getattr(runner, '_train_loop', None), BaseLoop) else 0
        cached = self._loader_lengths.get(mode)
        if cached is None or cached[0] is not loader or cached[1] != epoch:
            cached = self._loader_lengths[mode] = (loader, epoch, len(loader))
        return cached[2]
