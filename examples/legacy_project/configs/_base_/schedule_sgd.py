# SGD with momentum, gradient clipping, linear warm-up then a step decay.
optimizer = dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=1e-4)
optimizer_config = dict(grad_clip=dict(max_norm=1.0))
lr_config = dict(
    policy='step',
    step=[2],
    warmup='linear',
    warmup_iters=5,
    warmup_ratio=0.1)
runner = dict(type='EpochBasedRunner', max_epochs=3)
