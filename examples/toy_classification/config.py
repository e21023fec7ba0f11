# An MMEngine-style config, trained on the bundled engine with
#     mmmigrate train examples/toy_classification/config.py
# (from the repository root), and evaluated with
#     mmmigrate test examples/toy_classification/config.py --checkpoint CKPT
custom_imports = dict(imports=['examples.toy_classification.toy_classification'],
                      allow_failed_imports=False)

model = dict(type='RingClassifier', num_classes=3, hidden=32)

train_dataloader = dict(
    dataset=dict(type='NoisyRings', size=600, seed=0),
    batch_size=32,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'))
val_dataloader = dict(
    dataset=dict(type='NoisyRings', size=300, seed=1),
    batch_size=100,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'))
test_dataloader = val_dataloader
val_evaluator = dict(type='Accuracy')
test_evaluator = val_evaluator

train_cfg = dict(by_epoch=True, max_epochs=12, val_interval=2)
val_cfg = dict()
test_cfg = dict()

optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4),
                     clip_grad=dict(max_norm=5.0))
# linear warm-up over the first 20 iterations, then a cosine decay per epoch
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=20),
    dict(type='CosineAnnealingLR', T_max=12, eta_min=1e-3, by_epoch=True, begin=0, end=12),
]

default_hooks = dict(
    logger=dict(type='LoggerHook', interval=5),
    checkpoint=dict(type='CheckpointHook', interval=2, max_keep_ckpts=2,
                    save_best='rings/accuracy', rule='greater'))
randomness = dict(seed=0)
work_dir = './work_dirs/toy_classification'
