_base_ = './toy_config.py'
# The toy run as an iteration-based loop: 30 iterations over a 32-sample set
# (the loader restarts), validation and a checkpoint every 6 iterations, only
# the newest checkpoint kept.
train_cfg = dict(_delete_=True, type='IterBasedTrainLoop', max_iters=30, val_interval=6)
param_scheduler = [dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=6),
                   dict(type='CosineAnnealingLR', T_max=24, by_epoch=False, begin=6, end=30)]
default_hooks = dict(checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=6,
                                     max_keep_ckpts=1, save_best='toy/acc'),
                     logger=dict(type='LoggerHook', interval=4))
