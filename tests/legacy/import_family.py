"""Import every module of legacy libraries through the shim (converted
ones without it: ``--no-shim``): ``python import_family.py LIBRARY...`` prints ``{library: {"imported": n, "failed":
{module: error}}}`` as JSON. Compiled ``mmcv.ops`` are stood in
(``run_tool.py``); library test packages are skipped."""
import importlib
import json
import pkgutil
import sys
import warnings
from pathlib import Path


def import_all(library: str) -> dict:
    package = importlib.import_module(library)
    imported, failed = 0, {}
    for info in pkgutil.walk_packages(package.__path__, library + '.'):
        if '.tests' in info.name:
            continue
        try:
            importlib.import_module(info.name)
            imported += 1
        except Exception as error:  # what a user importing it would hit
            failed[info.name] = f'{type(error).__name__}: {error}'
    return dict(imported=imported, failed=failed)


if __name__ == '__main__':  # --no-shim: converted libraries, which must not need it
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from mmmigrate.compat.mmcv_shim import install_mmcv_shim
    from run_tool import install_ops_stand_in
    libraries = sys.argv[1:]
    if libraries[:1] == ['--no-shim']:
        libraries = libraries[1:]
    else:
        assert install_mmcv_shim()
    install_ops_stand_in()
    warnings.simplefilter('ignore')
    print(json.dumps({library: import_all(library) for library in libraries}))
