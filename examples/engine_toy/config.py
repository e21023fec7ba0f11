# A small regression task trained with the bundled engine's core parts.
model = dict(type='ToyRegressor', hidden=16)
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4),
    paramwise_cfg=dict(bias_decay_mult=0.0),
    clip_grad=dict(max_norm=1.0),
    accumulative_counts=2)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=9),
    dict(type='CosineAnnealingLR', T_max=5, eta_min=1e-4, by_epoch=True,
         convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=5)
data = dict(num_samples=64, batch_size=8, seed=0)
