# 800 iterations, sized for a 2-core CPU (the MSRS recipe and its
# baselines): the demo schedule's AdamW (lr 2e-3) with 50 iterations of
# linear warm-up, then poly decay; validation and checkpoints every 400.
_base_ = ['./schedule_demo.py']
train_cfg = dict(max_iters=800, val_interval=400)
default_hooks = dict(checkpoint=dict(interval=400))
