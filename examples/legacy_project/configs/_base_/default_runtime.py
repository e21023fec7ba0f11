checkpoint_config = dict(interval=1)
log_config = dict(interval=4, hooks=[dict(type='TextLoggerHook')])
custom_hooks = [dict(type='LossHistoryHook')]
workflow = [('train', 1)]
load_from = None
resume_from = None
