_base_ = './toy_config.py'
# Where to crash is set with --cfg-options custom_hooks.0.iteration=N or
# custom_hooks.0.save_epoch=E.
custom_hooks = [dict(type='CrashHook')]
