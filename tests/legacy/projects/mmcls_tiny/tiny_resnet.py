# mmcls 0.x config: a CIFAR-style ResNet-18 (narrow) on the synthetic dataset,
# validated every epoch; what tools/train.py of mmcls 0.25 runs in the tests.
custom_imports = dict(imports=['synthetic_cls', 'record_training'],
                      allow_failed_imports=False)
custom_hooks = [dict(type='RecordTraining', priority='VERY_LOW')]
model = dict(
    type='ImageClassifier',
    backbone=dict(type='ResNet_CIFAR', depth=18, num_stages=4, out_indices=(3, ),
                  stem_channels=16, base_channels=16, style='pytorch'),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=4, in_channels=128,
              loss=dict(type='CrossEntropyLoss', loss_weight=1.0)))
img_norm_cfg = dict(mean=[125.307, 122.961, 113.8575], std=[51.5865, 50.847, 51.255],
                    to_rgb=False)
train_pipeline = [
    dict(type='RandomCrop', size=32, padding=4),
    dict(type='RandomFlip', flip_prob=0.5, direction='horizontal'),
    dict(type='Normalize', **img_norm_cfg),
    dict(type='ImageToTensor', keys=['img']),
    dict(type='ToTensor', keys=['gt_label']),
    dict(type='Collect', keys=['img', 'gt_label'])
]
test_pipeline = [
    dict(type='Normalize', **img_norm_cfg),
    dict(type='ImageToTensor', keys=['img']),
    dict(type='Collect', keys=['img'])
]
data = dict(
    samples_per_gpu=8,
    workers_per_gpu=0,
    persistent_workers=False,
    train=dict(type='TinySyntheticClassification', num_samples=32, seed=0,
               pipeline=train_pipeline),
    val=dict(type='TinySyntheticClassification', num_samples=16, seed=1,
             pipeline=test_pipeline, test_mode=True),
    test=dict(type='TinySyntheticClassification', num_samples=16, seed=1,
              pipeline=test_pipeline, test_mode=True))
evaluation = dict(interval=1, metric='accuracy', metric_options=dict(topk=(1, 2)))
optimizer = dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=0.0001)
optimizer_config = dict(grad_clip=None)
lr_config = dict(policy='step', step=[1], warmup='linear', warmup_iters=3,
                 warmup_ratio=0.25)
runner = dict(type='EpochBasedRunner', max_epochs=2)
checkpoint_config = dict(interval=1)
log_config = dict(interval=2, hooks=[dict(type='TextLoggerHook')])
dist_params = dict(backend='gloo')
log_level = 'INFO'
load_from = None
resume_from = None
workflow = [('train', 1)]
