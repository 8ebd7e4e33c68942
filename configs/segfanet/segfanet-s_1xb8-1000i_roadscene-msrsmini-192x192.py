# SegFANet-S on real infrared/visible pairs (RoadScene + 8 labelled MSRS
# pairs, configs/_base_/datasets/real_mixed.py), sized for a CPU: 1000
# iterations of batch 8 on 192 x 192 crops, with the real-data recipe's
# fusion loss (run P, _base_/models/segfanet_real.py). Tested on VIFB (21
# pairs, held out). Results and the released weights
# checkpoints/segfanet_s_real.pth: docs/results.md.
_base_ = [
    '../_base_/models/segfanet_real.py', '../_base_/datasets/real_mixed.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_1000i.py'
]
model = dict(decode_head=dict(num_classes=2))
