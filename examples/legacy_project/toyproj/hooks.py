import json
import os.path as osp

from mmcv.runner import HOOKS, Hook


@HOOKS.register_module()
class LossHistoryHook(Hook):
    """Appends the loss and learning rate of every training iteration to
    ``work_dir/history.jsonl``, and logs the running minimum of the loss."""

    def __init__(self, filename='history.jsonl', interval=1):
        self.filename = filename
        self.interval = interval
        self.best = float('inf')

    def before_run(self, runner):
        self.path = osp.join(runner.work_dir, self.filename)
        open(self.path, 'w').close()

    def after_train_iter(self, runner):
        if not self.every_n_iters(runner, self.interval):
            return
        loss = float(runner.outputs['loss'])
        self.best = min(self.best, loss)
        runner.log_buffer.update({'best_loss': self.best})
        record = dict(epoch=runner.epoch, batch=runner.inner_iter, iter=runner.iter,
                      loss=loss, lr=runner.optimizer.param_groups[0]['lr'])
        with open(self.path, 'a') as f:
            f.write(json.dumps(record) + '\n')
