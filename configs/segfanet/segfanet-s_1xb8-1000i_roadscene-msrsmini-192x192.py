# SegFANet-S on real infrared/visible pairs (RoadScene + 8 labelled MSRS
# pairs, configs/_base_/datasets/real_mixed.py), sized for a 2-core CPU:
# 1000 iterations of batch 8 (192 x 192 crops), 31 min on 2 cores shared
# with a second training. Tested on VIFB (21 pairs, held out). Results and
# the released weights: docs/results.md.
_base_ = [
    '../_base_/models/segfanet_real.py', '../_base_/datasets/real_mixed.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_demo.py'
]
# Fusion loss: run P (_base_/models/segfanet_real.py).
model = dict(decode_head=dict(num_classes=2))
max_iters = 1000
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
train_cfg = dict(max_iters=max_iters, val_interval=500)
default_hooks = dict(checkpoint=dict(interval=500))
