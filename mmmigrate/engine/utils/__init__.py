"""Torch-free helpers shared by the engine (``mmengine.utils`` names)."""
from .manager import ManagerMeta, ManagerMixin
from .misc import (apply_to, check_file_exist, concat_list, digit_version,
                   get_object_from_string, has_method,
                   import_modules_from_strings, is_filepath, is_list_of,
                   is_method_overridden, is_seq_of, is_str, is_tuple_of,
                   iter_cast, list_cast, mkdir_or_exist, slice_list,
                   tuple_cast)

__all__ = [
    'ManagerMeta', 'ManagerMixin', 'apply_to', 'check_file_exist',
    'concat_list', 'digit_version', 'get_object_from_string', 'has_method',
    'import_modules_from_strings', 'is_filepath', 'is_list_of',
    'is_method_overridden', 'is_seq_of', 'is_str', 'is_tuple_of', 'iter_cast',
    'list_cast', 'mkdir_or_exist', 'slice_list', 'tuple_cast'
]
