"""Process-group initialisation for the ``pytorch``, ``slurm`` and ``mpi``
launchers (``mmengine.dist.init_dist``), on CUDA or CPU."""
import datetime
import os
import subprocess

import torch
import torch.distributed as torch_dist
import torch.multiprocessing as mp

LAUNCHERS = ('none', 'pytorch', 'slurm', 'mpi')


def infer_launcher() -> str:
    if 'WORLD_SIZE' in os.environ:
        return 'pytorch'
    if 'SLURM_NTASKS' in os.environ:
        return 'slurm'
    if 'OMPI_COMM_WORLD_LOCAL_RANK' in os.environ:
        return 'mpi'
    return 'none'


def _require_env(launcher: str, *names: str) -> None:
    missing = [name for name in names if name not in os.environ]
    if missing:
        raise RuntimeError(
            f'launcher={launcher!r} needs the environment variables {missing}; start the '
            'processes with torchrun (pytorch), srun (slurm) or mpirun (mpi), or use '
            "launcher='none' for a single process")


def _set_local_device(local_rank: int) -> None:
    if torch.cuda.is_available():
        torch.cuda.set_device(local_rank % torch.cuda.device_count())


def _default_backend(backend: str) -> str:
    # NCCL needs CUDA; CPU-only runs fall back to gloo.
    return 'gloo' if backend == 'nccl' and not torch.cuda.is_available() else backend


def init_dist(launcher: str, backend: str = 'nccl', init_backend: str = 'torch',
              **kwargs) -> None:
    """Initialise the default process group for ``launcher``.

    ``timeout`` may be given in seconds. ``backend='nccl'`` becomes
    ``'gloo'`` when CUDA is not available, so the same config runs on CPUs.
    """
    if launcher not in LAUNCHERS or launcher == 'none':
        raise ValueError(f'launcher must be one of {LAUNCHERS[1:]}, got {launcher!r}')
    if init_backend != 'torch':
        raise ValueError(f'init_backend={init_backend!r} is not supported by the bundled '
                         "engine; use 'torch'")
    timeout = kwargs.get('timeout')
    if timeout is not None and not isinstance(timeout, datetime.timedelta):
        try:
            kwargs['timeout'] = datetime.timedelta(seconds=timeout)
        except TypeError as e:
            raise TypeError('dist_cfg.timeout must be a number of seconds, got '
                            f'{timeout!r}') from e
    if mp.get_start_method(allow_none=True) is None:
        mp.set_start_method('spawn')
    backend = _default_backend(backend)
    if launcher == 'pytorch':
        _require_env(launcher, 'RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT')
        _set_local_device(int(os.environ.get('LOCAL_RANK', os.environ['RANK'])))
        torch_dist.init_process_group(backend=backend, **kwargs)
    elif launcher == 'slurm':
        _init_dist_slurm(backend, **kwargs)
    else:
        _init_dist_mpi(backend, **kwargs)


def _init_dist_slurm(backend: str, port=None, **kwargs) -> None:
    _require_env('slurm', 'SLURM_PROCID', 'SLURM_NTASKS', 'SLURM_NODELIST')
    proc_id = int(os.environ['SLURM_PROCID'])
    ntasks = int(os.environ['SLURM_NTASKS'])
    local_id = os.environ.get('SLURM_LOCALID')
    if local_id is not None:
        local_rank = int(local_id)
    else:
        local_rank = proc_id % max(torch.cuda.device_count(), 1)
    if port is not None:
        os.environ['MASTER_PORT'] = str(port)
    os.environ.setdefault('MASTER_PORT', '29500')
    if 'MASTER_ADDR' not in os.environ:
        node_list = os.environ['SLURM_NODELIST']
        os.environ['MASTER_ADDR'] = subprocess.getoutput(
            f'scontrol show hostname {node_list} | head -n1')
    os.environ['WORLD_SIZE'] = str(ntasks)
    os.environ['LOCAL_RANK'] = str(local_rank)
    os.environ['RANK'] = str(proc_id)
    _set_local_device(local_rank)
    torch_dist.init_process_group(backend=backend, **kwargs)


def _init_dist_mpi(backend: str, **kwargs) -> None:
    _require_env('mpi', 'OMPI_COMM_WORLD_LOCAL_RANK', 'OMPI_COMM_WORLD_SIZE',
                 'OMPI_COMM_WORLD_RANK', 'MASTER_ADDR')
    local_rank = int(os.environ['OMPI_COMM_WORLD_LOCAL_RANK'])
    _set_local_device(local_rank)
    os.environ.setdefault('MASTER_PORT', '29500')
    os.environ['WORLD_SIZE'] = os.environ['OMPI_COMM_WORLD_SIZE']
    os.environ['RANK'] = os.environ['OMPI_COMM_WORLD_RANK']
    os.environ.setdefault('LOCAL_RANK', str(local_rank))
    torch_dist.init_process_group(backend=backend, **kwargs)
