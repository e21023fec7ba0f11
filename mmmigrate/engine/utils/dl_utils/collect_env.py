"""``collect_env``: facts about the machine and the libraries, as
``mmengine.utils.dl_utils.collect_env`` gives them (MMCV 2.x's and the
OpenMMLab libraries' own ``collect_env`` add to this dict)."""
import functools
import os
import subprocess
import sys
from collections import OrderedDict, defaultdict

import numpy as np
import torch


def collect_env() -> OrderedDict:
    """``sys.platform``, ``Python``, ``CUDA available``, ``MUSA available``,
    ``numpy_random_seed``, ``GPU i,j`` (one entry per device name),
    ``CUDA_HOME`` and ``NVCC`` (with CUDA), ``GCC``, ``PyTorch``, ``PyTorch
    compiling details``, ``TorchVision`` and ``OpenCV`` (when installed) and
    ``MMEngine``, in that order."""
    env = OrderedDict()
    env['sys.platform'] = sys.platform
    env['Python'] = sys.version.replace('\n', '')
    cuda = torch.cuda.is_available()
    env['CUDA available'] = cuda
    env['MUSA available'] = bool(getattr(torch, 'musa', None) and torch.musa.is_available())
    env['numpy_random_seed'] = np.random.get_state()[1][0]
    if cuda:
        devices = defaultdict(list)
        for index in range(torch.cuda.device_count()):
            devices[torch.cuda.get_device_name(index)].append(str(index))
        for name, ids in devices.items():
            env['GPU ' + ','.join(ids)] = name
        cuda_home = _cuda_home()
        env['CUDA_HOME'] = cuda_home
        if cuda_home is not None and os.path.isdir(cuda_home):
            env['NVCC'] = _first_line((os.path.join(cuda_home, 'bin', 'nvcc'), '-V'),
                                      last=True)
    env['GCC'] = _first_line(('gcc', '--version'))
    env['PyTorch'] = torch.__version__
    env['PyTorch compiling details'] = _torch_config()
    for name, module in (('TorchVision', 'torchvision'), ('OpenCV', 'cv2')):
        version = _version_of(module)
        if version is not None:
            env[name] = version
    from ... import __version__  # the MMEngine API version the engine follows
    env['MMEngine'] = __version__
    return env


def _cuda_home():
    from torch.utils.cpp_extension import CUDA_HOME  # slow to import: only with CUDA
    return CUDA_HOME


@functools.lru_cache(maxsize=None)
def _first_line(command: tuple, last: bool = False) -> str:
    """The first (or last) line a tool prints about itself, 'n/a' without it."""
    try:
        out = subprocess.run(list(command), capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return 'n/a'
    lines = [line.strip() for line in out.splitlines() if line.strip()]
    return (lines[-1] if last else lines[0]) if lines else 'n/a'


@functools.lru_cache(maxsize=None)
def _torch_config() -> str:
    return torch.__config__.show()


def _version_of(module: str):
    if module not in sys.modules:
        import importlib.util
        if importlib.util.find_spec(module) is None:
            return None
    try:
        return __import__(module).__version__
    except Exception:  # noqa: BLE001 - a broken optional package is simply not listed
        return None
