custom_imports = dict(imports=['toy_project'], allow_failed_imports=False)
model = dict(type='ToyClassifier')
train_dataloader = dict(dataset=dict(type='ToyPoints'), batch_size=4, num_workers=0,
                        sampler=dict(type='DefaultSampler', shuffle=True),
                        collate_fn=dict(type='default_collate'))
val_dataloader = dict(dataset=dict(type='ToyPoints', size=12, seed=1), batch_size=4,
                      sampler=dict(type='DefaultSampler', shuffle=False),
                      collate_fn=dict(type='default_collate'))
val_evaluator = dict(type='ToyAccuracy')
train_cfg = dict(by_epoch=True, max_epochs=4, val_interval=1)
val_cfg = dict()
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=1e-4))
param_scheduler = [dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=6),
                   dict(type='CosineAnnealingLR', T_max=4, by_epoch=True)]
default_hooks = dict(checkpoint=dict(type='CheckpointHook', interval=1, max_keep_ckpts=3,
                                     save_best='toy/acc'),
                     logger=dict(type='LoggerHook', interval=4))
randomness = dict(seed=7)
test_dataloader = val_dataloader
test_evaluator = val_evaluator
test_cfg = dict()
auto_scale_lr = dict(enable=False, base_batch_size=2)
