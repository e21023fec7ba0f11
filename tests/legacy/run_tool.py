"""Run a legacy library's own script (``tools/train.py``) unchanged, as a
user would: ``python run_tool.py [--shim] [--ops-stand-in] SCRIPT ARGS...``.

- ``--shim``: through the mmmigrate ``mmcv`` shim (the new stack), else on
  whatever MMCV is installed (the MMCV 1.7.2 oracle, for recordings);
- ``--ops-stand-in``: ``mmcv.ops`` is a stand-in whose names exist but fail
  when used: the libraries import compiled ops at import time, which neither
  MMCV 1.7.2 built without them nor mmcv-lite provides, and the tiny models
  of the tests never call them;
- ``time.sleep`` is a no-op (MMCV's runners sleep 2 s per epoch).
"""
import runpy
import sys
import time
import types


class _StandInOps(types.ModuleType):
    """``mmcv.ops`` without compiled kernels: any name is a class that says so."""

    # what MMCV's collect_env asks, and takes a missing _ext for "n/a"
    BUILD_QUERIES = ('get_compiler_version', 'get_compiling_cuda_version')

    def __getattr__(self, name):
        if name.startswith('__'):
            raise AttributeError(name)
        if name in self.BUILD_QUERIES:
            raise ModuleNotFoundError("No module named 'mmcv._ext'", name='mmcv._ext')

        def unavailable(*args, **kwargs):
            raise RuntimeError(f'mmcv.ops.{name} needs compiled MMCV ops (a stand-in here)')
        value = type(name, (), {'__init__': unavailable, '__call__': unavailable})
        setattr(self, name, value)
        return value


class _StandInOpsFinder:
    """``mmcv.ops.<any submodule>`` is a stand-in too (``mmcv.ops.roi_align``)."""

    @staticmethod
    def find_spec(fullname, path=None, target=None):
        if not fullname.startswith('mmcv.ops.'):
            return None
        import importlib.machinery
        return importlib.machinery.ModuleSpec(fullname, _StandInLoader(), is_package=True)


class _StandInLoader:

    @staticmethod
    def create_module(spec):
        module = _StandInOps(spec.name)
        module.__path__ = []
        return module

    @staticmethod
    def exec_module(module):
        pass


def install_ops_stand_in() -> None:
    sys.meta_path.insert(0, _StandInOpsFinder())
    stand_in = _StandInOps('mmcv.ops')
    stand_in.__path__ = []
    sys.modules['mmcv.ops'] = stand_in


def main(argv) -> None:
    if argv and argv[0] == '--shim':
        argv = argv[1:]
        from mmmigrate.compat.mmcv_shim import install_mmcv_shim
        if not install_mmcv_shim():
            raise SystemExit('MMCV 1.x is installed: the shim stays out of the way')
    if argv and argv[0] == '--ops-stand-in':
        argv = argv[1:]
        install_ops_stand_in()
    time.sleep = lambda seconds: None
    script = argv[0]
    sys.argv = list(argv)
    runpy.run_path(script, run_name='__main__')


if __name__ == '__main__':
    main(sys.argv[1:])
