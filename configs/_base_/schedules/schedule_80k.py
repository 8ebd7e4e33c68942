# 80k iterations: schedule_40k.py stretched to twice the length.
_base_ = ['./schedule_40k.py']
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, begin=0, end=1000, by_epoch=False),
    dict(
        type='PolyLR',
        eta_min=1e-6,
        power=0.9,
        begin=1000,
        end=80000,
        by_epoch=False)
]
train_cfg = dict(max_iters=80000, val_interval=8000)
default_hooks = dict(checkpoint=dict(interval=8000))
