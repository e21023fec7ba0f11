"""Torch-free helpers shared by the engine (``mmengine.utils`` names)."""
from .api import (check_prerequisites, deprecated_api_warning, get_git_hash,
                  is_installed, requires_executable, requires_package, to_1tuple, to_2tuple,
                  to_3tuple, to_4tuple, to_ntuple)
from .manager import ManagerMeta, ManagerMixin
from .misc import (apply_to, check_file_exist, concat_list, digit_version,
                   get_object_from_string, has_method,
                   import_modules_from_strings, is_filepath, is_list_of,
                   is_method_overridden, is_seq_of, is_str, is_tuple_of,
                   iter_cast, list_cast, mkdir_or_exist, slice_list,
                   tuple_cast)
from .path import fopen, scandir, symlink
from .progressbar import (ProgressBar, track_iter_progress,
                          track_parallel_progress, track_progress)
from .timer import Timer, TimerError, check_time

__all__ = [
    'ManagerMeta', 'ManagerMixin', 'ProgressBar', 'Timer', 'TimerError',
    'apply_to', 'check_file_exist', 'check_prerequisites', 'check_time',
    'concat_list', 'deprecated_api_warning', 'digit_version', 'fopen',
    'get_git_hash', 'get_object_from_string', 'has_method',
    'import_modules_from_strings', 'is_filepath', 'is_installed', 'is_list_of',
    'is_method_overridden', 'is_seq_of', 'is_str', 'is_tuple_of', 'iter_cast',
    'list_cast', 'mkdir_or_exist', 'requires_executable', 'requires_package',
    'scandir', 'slice_list', 'symlink', 'to_1tuple', 'to_2tuple', 'to_3tuple',
    'to_4tuple', 'to_ntuple', 'track_iter_progress', 'track_parallel_progress',
    'track_progress', 'tuple_cast'
]
