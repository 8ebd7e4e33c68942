# SegFANet-S on ISPRS Potsdam (IR + RGB, 6 classes), 80k iterations on GPU.
# Data: docs/datasets.md.
_base_ = [
    '../_base_/models/segfanet.py', '../_base_/datasets/potsdam.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_80k.py'
]
model = dict(decode_head=dict(num_classes=6))
