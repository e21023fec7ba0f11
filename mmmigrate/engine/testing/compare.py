"""Assertion helpers for tests (``mmengine.testing.compare``). Except for
``assert_allclose``, which raises, each returns a bool (from ``mmcv.utils``
in MMCV 1.x), so tests write ``assert assert_dict_has_keys(...)``."""
import shlex
import sys
from runpy import run_path
from typing import Any, Dict, List
from unittest.mock import patch

from ..utils.dl_utils import NORM_LAYERS


def assert_allclose(actual: Any, expected: Any, rtol=None, atol=None, equal_nan: bool = True,
                    msg='') -> None:
    """Raise unless ``actual`` and ``expected`` (tensors, or what
    ``torch.tensor`` takes) are close: torch's ``assert_allclose``, whose
    default tolerances follow the dtype and which compares values whatever
    their dtypes. Where torch no longer has it, ``assert_close`` with the
    same leniency."""
    import torch.testing
    legacy = getattr(torch.testing, 'assert_allclose', None)
    if legacy is not None:
        legacy(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan, msg=msg)
        return
    import torch
    actual = actual if isinstance(actual, torch.Tensor) else torch.tensor(actual)
    if not isinstance(expected, torch.Tensor):
        expected = torch.tensor(expected, dtype=actual.dtype)
    torch.testing.assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan,
                               check_device=True, check_dtype=False, check_stride=False,
                               msg=msg or None)


def _differs(result) -> bool:
    """``a != b`` as a bool, also when it compares element-wise (arrays,
    tensors): true if any element differs."""
    if isinstance(result, bool):
        return result
    try:
        return any(_differs(item) for item in result)
    except TypeError:
        return bool(result)


def assert_dict_contains_subset(dict_obj: Dict[Any, Any], expected_subset: Dict[Any, Any]) -> bool:
    return all(key in dict_obj and not _differs(dict_obj[key] != value)
               for key, value in expected_subset.items())


def assert_attrs_equal(obj: Any, expected_attrs: Dict[str, Any]) -> bool:
    return all(hasattr(obj, name) and not _differs(getattr(obj, name) != value)
               for name, value in expected_attrs.items())


def assert_dict_has_keys(obj: Dict[str, Any], expected_keys: List[str]) -> bool:
    return set(expected_keys).issubset(obj.keys())


def assert_keys_equal(result_keys: List[str], target_keys: List[str]) -> bool:
    return set(result_keys) == set(target_keys)


def assert_is_norm_layer(module) -> bool:
    return isinstance(module, NORM_LAYERS)


def assert_params_all_zeros(module) -> bool:
    """Whether the module's weight (and bias, if any) are zeros, to
    ``torch.allclose``'s default tolerance."""
    return all(p.data.allclose(p.data.new_zeros(p.data.size()))
               for p in (module.weight, getattr(module, 'bias', None)) if p is not None)


def check_python_script(cmd: str) -> None:
    """Run a script in this process as ``__main__`` (``python a.py x`` or
    ``a.py x``), so that coverage tools see it."""
    args = shlex.split(cmd)
    if args[0] == 'python':
        args = args[1:]
    with patch.object(sys, 'argv', args):
        run_path(args[0], run_name='__main__')
