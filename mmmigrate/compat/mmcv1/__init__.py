"""MMCV 1.7.2 objects that MMCV 1.x code needs with MMCV's behaviour, on the
engine: what the ``mmcv`` shim serves where ``rules/mmcv_shim.yaml`` says so."""
import importlib


def mmengine_module(name: str):
    """``mmengine.<name>`` as MMCV 2.x sees it: the real MMEngine when
    installed (or the bundled engine under the ``mmengine`` alias), else the
    bundled engine's module of that path."""
    try:
        return importlib.import_module(f'mmengine.{name}')
    except ModuleNotFoundError as error:
        if error.name not in ('mmengine', f'mmengine.{name}'):
            raise
        return importlib.import_module(f'mmmigrate.engine.{name}')
