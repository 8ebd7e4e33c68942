# 1000 iterations, sized for a CPU (the real-pairs recipe and its
# ablations): the demo schedule's AdamW (lr 2e-3) with 50 iterations of
# linear warm-up, then poly decay; validation and checkpoints every 500.
_base_ = ['./schedule_demo.py']
train_cfg = dict(max_iters=1000, val_interval=500)
default_hooks = dict(checkpoint=dict(interval=500))
