"""A hook written for MMCV 1.x (``mmcv.runner.Hook``) that the test configs
add through ``custom_hooks``: after every training iteration it appends the
exact loss, log_vars and lr to ``<work_dir>/training.jsonl``, so a recorded
run and a run on the new stack compare to the last bit."""
import json
import os.path as osp

from mmcv.runner import HOOKS, Hook


@HOOKS.register_module()
class RecordTraining(Hook):

    def after_train_iter(self, runner):
        outputs = runner.outputs
        row = dict(epoch=runner.epoch, iter=runner.iter, inner_iter=runner.inner_iter,
                   loss=float(outputs['loss']), num_samples=int(outputs['num_samples']),
                   log_vars={k: float(v) for k, v in outputs['log_vars'].items()},
                   lr=runner.current_lr(), momentum=runner.current_momentum())
        with open(osp.join(runner.work_dir, 'training.jsonl'), 'a') as out:
            out.write(json.dumps(row) + '\n')
