"""Process set-up for training (``mmengine.utils.dl_utils.setup_env``)."""
import os
import platform
import sys
import warnings

import torch.multiprocessing as mp


def set_multi_processing(mp_start_method: str = 'fork', opencv_num_threads: int = 0,
                         distributed: bool = False) -> None:
    """Set the multiprocessing start method (as MMEngine does: ``fork`` by
    default), OpenCV's thread count when OpenCV is installed, and
    ``OMP_NUM_THREADS``/``MKL_NUM_THREADS`` to 1 in distributed runs unless
    already set."""
    if platform.system() != 'Windows':
        current = mp.get_start_method(allow_none=True)
        if current is not None and current != mp_start_method:
            warnings.warn(f'Multi-processing start method `{mp_start_method}` is different '
                          f'from the previous setting `{current}`. It will be force set to '
                          f'`{mp_start_method}`. You can change this behavior by changing '
                          '`mp_start_method` in your config.')
        mp.set_start_method(mp_start_method, force=True)
    if 'cv2' in sys.modules or _module_exists('cv2'):
        try:
            import cv2
            cv2.setNumThreads(opencv_num_threads)
        except ImportError:
            pass
    if distributed:
        for name in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS'):
            if name not in os.environ:
                warnings.warn(f'Setting {name} environment variable for each process to be 1 '
                              'in default, to avoid your system being overloaded, please '
                              'further tune the variable for optimal performance in your '
                              'application as needed.')
                os.environ[name] = '1'


def _module_exists(name: str) -> bool:
    import importlib.util
    return importlib.util.find_spec(name) is not None
