# mmseg 0.x config: FCN on a narrow ResNet-18 (V1c) trained by iterations on
# the synthetic dataset, validated (mIoU) every 4 iterations; what
# tools/train.py of mmseg 0.30 runs in the tests.
custom_imports = dict(imports=['synthetic_seg', 'record_training'],
                      allow_failed_imports=False)
custom_hooks = [dict(type='RecordTraining', priority='VERY_LOW')]
norm_cfg = dict(type='BN', requires_grad=True)
model = dict(
    type='EncoderDecoder',
    pretrained=None,
    backbone=dict(type='ResNetV1c', depth=18, num_stages=4, out_indices=(0, 1, 2, 3),
                  dilations=(1, 1, 2, 4), strides=(1, 2, 1, 1), norm_cfg=norm_cfg,
                  norm_eval=False, style='pytorch', contract_dilation=True,
                  stem_channels=16, base_channels=16),
    decode_head=dict(type='FCNHead', in_channels=128, in_index=3, channels=32, num_convs=2,
                     concat_input=True, dropout_ratio=0.1, num_classes=3, norm_cfg=norm_cfg,
                     align_corners=False,
                     loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False,
                                      loss_weight=1.0)),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
img_norm_cfg = dict(mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], to_rgb=True)
train_pipeline = [
    dict(type='LoadSyntheticSample'),
    dict(type='RandomFlip', prob=0.5),
    dict(type='Normalize', **img_norm_cfg),
    dict(type='DefaultFormatBundle'),
    dict(type='Collect', keys=['img', 'gt_semantic_seg']),
]
test_pipeline = [
    dict(type='LoadSyntheticSample'),
    dict(type='MultiScaleFlipAug', img_scale=(32, 32), flip=False,
         transforms=[
             dict(type='Resize', keep_ratio=True),
             dict(type='RandomFlip'),
             dict(type='Normalize', **img_norm_cfg),
             dict(type='ImageToTensor', keys=['img']),
             dict(type='Collect', keys=['img']),
         ])
]
data = dict(
    samples_per_gpu=4,
    workers_per_gpu=0,
    persistent_workers=False,
    train=dict(type='TinySyntheticSegmentation', num_samples=12, seed=0,
               pipeline=train_pipeline),
    val=dict(type='TinySyntheticSegmentation', num_samples=4, seed=1,
             pipeline=test_pipeline),
    test=dict(type='TinySyntheticSegmentation', num_samples=4, seed=1,
              pipeline=test_pipeline))
log_config = dict(interval=2, hooks=[dict(type='TextLoggerHook', by_epoch=False)])
dist_params = dict(backend='gloo')
log_level = 'INFO'
load_from = None
resume_from = None
workflow = [('train', 1)]
cudnn_benchmark = False
optimizer = dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=0.0005)
optimizer_config = dict()
lr_config = dict(policy='poly', power=0.9, min_lr=1e-4, by_epoch=False)
runner = dict(type='IterBasedRunner', max_iters=8)
checkpoint_config = dict(by_epoch=False, interval=4)
evaluation = dict(interval=4, metric='mIoU', pre_eval=True)
