# 400 iterations, sized for the built-in demo data on a CPU (what `make demo`
# trains): the demo schedule's AdamW (lr 2e-3) with 50 iterations of linear
# warm-up, then poly decay; validation and checkpoints every 200.
_base_ = ['./schedule_demo.py']
train_cfg = dict(max_iters=400, val_interval=200)
