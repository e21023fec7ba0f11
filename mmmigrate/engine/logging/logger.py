"""``MMLogger`` (a named, globally reachable ``logging.Logger``) and
``print_log``, with MMEngine's names and routing rules."""
import logging
import logging.handlers
import os
import os.path as osp
import sys
import time
from typing import Optional, Union

from ..utils.manager import ManagerMixin, _lock

_COLORS = {'ERROR': '31', 'WARNING': '33', 'INFO': '37', 'DEBUG': '32'}
# Handlers whose `emit` is exactly "format, write, flush" (a rotating file
# handler also rolls files over, so it takes logging's general route).
_DIRECT_HANDLER_TYPES = (logging.StreamHandler, logging.FileHandler)


class MMFormatter(logging.Formatter):
    """Formats records as ``time - logger - LEVEL - message``; errors also
    carry the source location. ``color`` adds ANSI colours for terminals."""

    def __init__(self, color: bool = True, **kwargs):
        super().__init__(**kwargs)
        self._color = color
        self._time_cache = (None, '')  # (whole second, its text)

    def _level(self, name: str) -> str:
        if not self._color:
            return name
        return f'\033[4m\033[{_COLORS.get(name, "37")}m{name}\033[0m'

    def format(self, record: logging.LogRecord) -> str:
        level = self._level(record.levelname)
        if record.levelno >= logging.ERROR or record.exc_info or record.exc_text \
                or record.stack_info or self.datefmt is None:
            if record.levelno >= logging.ERROR:
                fmt = (f'%(asctime)s - %(name)s - {level} - %(pathname)s - '
                       '%(funcName)s - %(lineno)d - %(message)s')
            else:
                fmt = f'%(asctime)s - %(name)s - {level} - %(message)s'
            self._style._fmt = fmt
            return super().format(record)
        # The common case (a progress line) builds the same text directly:
        # logging.Formatter's general path costs several times more.
        record.message = record.getMessage()
        record.asctime = self._date(record.created)
        return f'{record.asctime} - {record.name} - {level} - {record.message}'

    def _date(self, created: float) -> str:
        # Formatted once per second.
        second = int(created)
        cached_second, text = self._time_cache
        if second != cached_second:
            text = time.strftime(self.datefmt, self.converter(created))
            self._time_cache = (second, text)
        return text

    def plain_line(self, name: str, levelname: str, message: str, created: float) -> str:
        """What ``format`` makes of a record below ERROR with no exception
        or stack attached (``datefmt`` must be set)."""
        return f'{self._date(created)} - {name} - {self._level(levelname)} - {message}'


class FilterDuplicateWarning(logging.Filter):
    """Show each distinct warning message once."""

    def __init__(self, name: str = 'mmengine'):
        super().__init__(name)
        self.seen: set = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno != logging.WARNING:
            return True
        if record.msg in self.seen:
            return False
        self.seen.add(record.msg)
        return True


def _get_world_size() -> int:
    try:
        from ..dist import get_world_size
    except ImportError:  # torch missing: single process
        return 1
    return get_world_size()


def _get_rank() -> int:
    try:
        from ..dist import get_rank
    except ImportError:
        return 0
    return get_rank()


def _get_device_id():
    """This process's device: ``CUDA_VISIBLE_DEVICES[LOCAL_RANK]`` where CUDA
    is available (the entry as text when it is not a number, as for a MIG
    instance), else ``LOCAL_RANK``; the MUSA counterpart where torch_musa is."""
    try:
        import torch
    except ImportError:
        return 0
    local_rank = int(os.getenv('LOCAL_RANK', '0'))
    try:
        import torch_musa
    except ImportError:
        torch_musa = None
    if torch_musa is not None:
        visible = os.getenv('MUSA_VISIBLE_DEVICES')
        devices = (visible.split(',') if visible is not None
                   else list(range(torch_musa.device_count())))
        return int(devices[local_rank])
    if not torch.cuda.is_available():
        return local_rank
    visible = os.getenv('CUDA_VISIBLE_DEVICES')
    devices = (visible.split(',') if visible is not None
               else list(range(torch.cuda.device_count())))
    try:
        return int(devices[local_rank])
    except ValueError:
        return devices[local_rank]


def _get_logging_file_handlers() -> dict:
    """The file handler classes of ``logging.handlers`` by name (what
    ``file_handler_cfg=dict(type=...)`` may name)."""
    return {name: cls for name, cls in vars(logging.handlers).items()
            if not name.startswith('__') and isinstance(cls, type)
            and issubclass(cls, logging.FileHandler)}


class MMLogger(logging.Logger, ManagerMixin):
    """A logger that writes to stdout (rank 0 only below ERROR) and, when
    ``log_file`` is given, to that file.

    Instances are created with ``MMLogger.get_instance(name, ...)`` and the
    newest one is ``MMLogger.get_current_instance()``, which is where
    ``print_log(..., logger='current')`` goes.
    """

    def __init__(self,
                 name: str,
                 logger_name: str = 'mmengine',
                 log_file: Optional[str] = None,
                 log_level: Union[int, str] = 'INFO',
                 file_mode: str = 'w',
                 distributed: bool = False,
                 file_handler_cfg: Optional[dict] = None):
        logging.Logger.__init__(self, logger_name)
        ManagerMixin.__init__(self, name)
        if isinstance(log_level, str):
            log_level = logging._nameToLevel[log_level.upper()]
        rank = _get_rank()
        device_id = _get_device_id()

        stream_handler = logging.StreamHandler(stream=sys.stdout)
        stream_handler.setFormatter(
            MMFormatter(color=sys.stdout.isatty(), datefmt='%m/%d %H:%M:%S'))
        stream_handler.setLevel(log_level if rank == 0 else logging.ERROR)
        stream_handler.addFilter(FilterDuplicateWarning(logger_name))
        self.handlers.append(stream_handler)

        if log_file is not None:
            per_rank = (log_level <= logging.DEBUG or distributed) and _get_world_size() > 1
            if per_rank:
                stem, suffix = osp.splitext(osp.basename(log_file))
                host = _get_host_info()
                host = f'_{host}' if host else ''
                log_file = osp.join(osp.dirname(log_file),
                                    f'{stem}{host}_device{device_id}_rank{rank}{suffix}')
            if rank == 0 or per_rank:
                os.makedirs(osp.dirname(osp.abspath(log_file)), exist_ok=True)
                if file_handler_cfg is not None:
                    file_handler_cfg = dict(file_handler_cfg)
                    assert 'type' in file_handler_cfg, 'file_handler_cfg needs a type'
                    handler_type = file_handler_cfg.pop('type')
                    handler_cls = _get_logging_file_handlers().get(handler_type)
                    if handler_cls is None:
                        raise ValueError(f'`logging.handlers` does not contain {handler_type}')
                    file_handler_cfg.setdefault('filename', log_file)
                    file_handler = handler_cls(**file_handler_cfg)
                else:
                    file_handler = logging.FileHandler(log_file, file_mode)
                file_handler.setFormatter(
                    MMFormatter(color=False, datefmt='%Y/%m/%d %H:%M:%S'))
                file_handler.setLevel(log_level)
                file_handler.addFilter(FilterDuplicateWarning(logger_name))
                self.handlers.append(file_handler)
        self._log_file = log_file
        # What the direct route of `_log` checks is still in place.
        self._own_handlers = list(self.handlers)
        self._own_setup = [(handler, handler.formatter, list(handler.filters))
                           for handler in self.handlers]

    def isEnabledFor(self, level: int) -> bool:
        # MMEngine leaves the logger's own level at NOTSET and lets its
        # handlers filter. A record that no handler would show is dropped
        # here, before it is formatted; `setLevel` still takes precedence.
        if self.disabled or self.manager.disable >= level:
            return False
        floor = self.level or min((handler.level for handler in self.handlers), default=0)
        return level >= floor

    @property
    def log_file(self) -> Optional[str]:
        return self._log_file

    @classmethod
    def get_current_instance(cls) -> 'MMLogger':
        if not cls._instance_dict:
            cls.get_instance('mmengine')
        return super().get_current_instance()

    def _log(self, level, msg, args, exc_info=None, extra=None, stack_info=False,
             stacklevel=1) -> None:
        # A plain DEBUG/INFO line (a progress line at every logging interval)
        # that only reaches the handlers this logger made is written straight
        # to their streams: the same text, but without the caller lookup, the
        # LogRecord and the filter chain, which cost several times more.
        # Anything else — arguments, an exception, warnings (deduplicated by
        # a filter), handlers, filters, formatters or a record factory
        # someone added or replaced — takes logging's general route.
        if level >= logging.WARNING or args or exc_info or extra is not None or stack_info \
                or self.filters or self.disabled or self.handlers != self._own_handlers \
                or logging.getLogRecordFactory() is not logging.LogRecord \
                or not self._direct_route_intact():
            super()._log(level, msg, args, exc_info, extra, stack_info, stacklevel + 1)
            return
        message = str(msg)
        created = time.time()
        levelname = logging.getLevelName(level)
        for handler, formatter, _ in self._own_setup:
            if level < handler.level:
                continue
            line = formatter.plain_line(self.name, levelname, message, created)
            # StreamHandler.emit and .flush, under one hold of the lock
            with handler.lock:
                try:
                    stream = handler.stream
                    stream.write(line + handler.terminator)
                    if hasattr(stream, 'flush'):
                        stream.flush()
                except RecursionError:
                    raise
                except Exception:
                    handler.handleError(self.makeRecord(self.name, level, '(unknown file)', 0,
                                                        msg, args, None))

    def _direct_route_intact(self) -> bool:
        for handler, formatter, filters in self._own_setup:
            if handler.formatter is not formatter or handler.filters != filters \
                    or type(handler) not in _DIRECT_HANDLER_TYPES \
                    or handler.stream is None or handler.lock is None \
                    or formatter.datefmt is None:
                return False
        return True

    def callHandlers(self, record: logging.LogRecord) -> None:
        # MMLogger never propagates to the root logger: its own handlers
        # decide what is shown.
        for handler in self.handlers:
            if record.levelno >= handler.level:
                handler.handle(record)

    def setLevel(self, level) -> None:
        self.level = logging._checkLevel(level)
        with _lock:
            for logger in MMLogger._instance_dict.values():
                logger._cache.clear()


def print_log(msg,
              logger: Optional[Union[logging.Logger, str]] = None,
              level: int = logging.INFO) -> None:
    """Send ``msg`` to ``logger``: None prints it, ``'silent'`` drops it,
    ``'current'`` uses the newest MMLogger, another string names an MMLogger
    instance, and a ``logging.Logger`` is used as is."""
    if logger is None:
        print(msg)
    elif isinstance(logger, logging.Logger):
        logger.log(level, msg)
    elif logger == 'silent':
        pass
    elif logger == 'current':
        MMLogger.get_current_instance().log(level, msg)
    elif isinstance(logger, str):
        if not MMLogger.check_instance_created(logger):
            raise ValueError(f'MMLogger {logger!r} has not been created')
        MMLogger.get_instance(logger).log(level, msg)
    else:
        raise TypeError('logger must be a logging.Logger, a str, "silent", '
                        f'"current" or None, got {type(logger).__name__}')


def _get_host_info() -> str:
    """``user@host`` ('' where the user cannot be found, as in some
    containers); MMCV's ``get_host_info``."""
    import getpass
    import socket
    import warnings
    try:
        return f'{getpass.getuser()}@{socket.gethostname()}'
    except Exception as e:  # getuser raises KeyError / OSError without a passwd entry
        warnings.warn(f'Host or user not found: {e}')
        return ''
