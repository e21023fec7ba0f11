"""``mmengine.testing``: assertion helpers (``compare.py``) and
``RunnerTestCase`` (``runner_test_case.py``)."""
from .compare import (assert_allclose, assert_attrs_equal, assert_dict_contains_subset,
                      assert_dict_has_keys, assert_is_norm_layer, assert_keys_equal,
                      assert_params_all_zeros, check_python_script)

__all__ = ['assert_allclose', 'assert_attrs_equal', 'assert_dict_contains_subset',
           'assert_dict_has_keys', 'assert_is_norm_layer', 'assert_keys_equal',
           'assert_params_all_zeros', 'check_python_script', 'RunnerTestCase']


def __getattr__(name: str):
    # RunnerTestCase pulls in the whole runner: only when asked for
    if name == 'RunnerTestCase':
        from .runner_test_case import RunnerTestCase
        return RunnerTestCase
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
