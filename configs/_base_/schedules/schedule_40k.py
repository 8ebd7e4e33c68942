# 40k iterations for GPU training: AdamW (as in the demo schedule the model
# was developed with; not tuned on real data), linear warm-up, poly decay.
optimizer = dict(type='AdamW', lr=1e-3, betas=(0.9, 0.999), weight_decay=1e-4)
optim_wrapper = dict(
    type='SkipNonFiniteOptimWrapper', optimizer=optimizer, clip_grad=None)
# PolyLR ends at train_cfg.max_iters (no `end`; see schedule_demo.py)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, begin=0, end=1000, by_epoch=False),
    dict(type='PolyLR', eta_min=1e-6, power=0.9, begin=1000, by_epoch=False)
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=40000, val_interval=4000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(
        type='CheckpointHook',
        by_epoch=False,
        interval=4000,
        max_keep_ckpts=3,
        save_last=True),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='SegVisualizationHook'))
