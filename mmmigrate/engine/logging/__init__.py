"""Logging: ``MMLogger``, ``print_log``, ``MessageHub``, ``HistoryBuffer``."""
from .history_buffer import HistoryBuffer
from .logger import MMFormatter, MMLogger, print_log
from .message_hub import MessageHub

__all__ = ['HistoryBuffer', 'MMFormatter', 'MMLogger', 'MessageHub', 'print_log']
