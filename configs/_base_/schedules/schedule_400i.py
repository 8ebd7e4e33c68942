# 400 iterations, sized for the built-in demo data on a CPU (what `make demo`
# trains): the demo schedule's AdamW (lr 2e-3) with 50 iterations of linear
# warm-up, then poly decay; validation and checkpoints every 200.
_base_ = ['./schedule_demo.py']
max_iters = 400
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, begin=0, end=50, by_epoch=False),
    dict(
        type='PolyLR',
        eta_min=1e-5,
        power=0.9,
        begin=50,
        end=max_iters,
        by_epoch=False)
]
train_cfg = dict(max_iters=max_iters, val_interval=200)
