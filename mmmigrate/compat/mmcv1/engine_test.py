"""``mmcv.engine``: MMCV 1.x's test loops over a legacy model, as its
``EvalHook`` and the libraries' ``tools/test.py`` call them. The model is
called as MMCV's data-parallel wrappers were, ``model(return_loss=False,
**data)``, and each call returns a list with one result per sample."""
import time
from typing import Optional

import torch
from . import mmengine_module


def _progress_bar(total: int):
    ProgressBar = mmengine_module('utils').ProgressBar
    return ProgressBar(total)


def single_gpu_test(model: torch.nn.Module, data_loader) -> list:
    model.eval()
    results = []
    progress = _progress_bar(len(data_loader.dataset))
    for data in data_loader:
        with torch.no_grad():
            result = model(return_loss=False, **data)
        results.extend(result)
        for _ in range(len(result)):
            progress.update()
    return results


def multi_gpu_test(model: torch.nn.Module, data_loader, tmpdir: Optional[str] = None,
                   gpu_collect: bool = False) -> Optional[list]:
    """Each rank tests its share; rank 0 gets every result, in the order of
    the dataset (collected through ``tmpdir`` on disk, or the GPUs)."""
    collect_results_cpu = mmengine_module('dist').collect_results_cpu
    collect_results_gpu = mmengine_module('dist').collect_results_gpu
    get_dist_info = mmengine_module('dist').get_dist_info
    model.eval()
    results = []
    dataset = data_loader.dataset
    rank, world_size = get_dist_info()
    progress = _progress_bar(len(dataset)) if rank == 0 else None
    time.sleep(2)  # MMCV's: lets every rank set up before the first batch
    for data in data_loader:
        with torch.no_grad():
            result = model(return_loss=False, **data)
        results.extend(result)
        if progress is not None:
            done = min(len(result) * world_size, len(dataset) - progress.completed)
            for _ in range(done):
                progress.update()
    if gpu_collect:
        return collect_results_gpu(results, len(dataset))
    return collect_results_cpu(results, len(dataset), tmpdir)
