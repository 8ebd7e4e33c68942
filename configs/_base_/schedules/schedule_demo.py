# A short iteration-based schedule for the built-in demo data (CPU-sized).
optimizer = dict(type='AdamW', lr=2e-3, betas=(0.9, 0.999), weight_decay=1e-4)
optim_wrapper = dict(
    type='SkipNonFiniteOptimWrapper', optimizer=optimizer, clip_grad=None)
# Linear warm-up, then poly decay to the last iteration: PolyLR has no
# `end`, so mmengine ends it at train_cfg.max_iters and a schedule that
# inherits this one sets only train_cfg (SegFANetRunner leaves the decay out
# of a run shorter than the warm-up).
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, begin=0, end=50, by_epoch=False),
    dict(type='PolyLR', eta_min=1e-5, power=0.9, begin=50, by_epoch=False)
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=600, val_interval=200)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=20, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(
        type='CheckpointHook',
        by_epoch=False,
        interval=200,
        max_keep_ckpts=2,
        save_last=True),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='SegVisualizationHook'))
