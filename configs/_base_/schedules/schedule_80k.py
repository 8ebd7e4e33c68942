# 80k iterations: schedule_40k.py stretched to twice the length.
_base_ = ['./schedule_40k.py']
train_cfg = dict(max_iters=80000, val_interval=8000)
default_hooks = dict(checkpoint=dict(interval=8000))
