"""Runs in an oracle venv (``PYTHONPATH`` = the checkout): the lr and
momentum trajectories of ``record_official_verdicts.py``'s jobs, with the
real library's classes.

    .oracle/mmcv/bin/python     official_trajectories.py mmcv     JOBS OUT
    .oracle/mmengine/bin/python official_trajectories.py mmengine JOBS OUT

``mmcv``: each job's legacy ``lr_config`` / ``momentum_config`` through real
MMCV 1.7.2's updater hook classes; ``mmengine``: each job's
``param_scheduler`` through real MMEngine 0.10.7's schedulers, registry and
``ParamSchedulerHook``. The loops calling them are ``mmmigrate.verify``'s
(the golden runs of real MMCV's runners hold its legacy loop bitwise).
"""
import json
import sys

from mmmigrate.verify.trajectory import Run, engine_trajectory, legacy_trajectory


def _schedule(value):
    if isinstance(value, dict) and isinstance(value.get('target_ratio'), list):
        value = dict(value, target_ratio=tuple(value['target_ratio']))
    return value


def main(side: str, jobs_path: str, out_path: str) -> None:
    with open(jobs_path) as f:
        jobs = json.load(f)
    if side == 'mmcv':
        from mmcv.runner.hooks import lr_updater, momentum_updater
    results = []
    for job in jobs:
        if side == 'mmcv':
            run = Run(**dict(job['legacy_run'], base_lrs=tuple(job['legacy_run']['base_lrs'])))
            results.append(legacy_trajectory(_schedule(job['lr_config']),
                                             _schedule(job['momentum_config']), run,
                                             (lr_updater, momentum_updater)))
        else:
            run = Run(**dict(job['new_run'], base_lrs=tuple(job['new_run']['base_lrs'])))
            results.append(engine_trajectory(job['param_scheduler'], run, engine='mmengine'))
    with open(out_path, 'w') as f:
        json.dump(results, f)


if __name__ == '__main__':
    main(*sys.argv[1:4])
