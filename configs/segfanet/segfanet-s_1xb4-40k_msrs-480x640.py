# SegFANet-S on MSRS (thermal IR + RGB road scenes, 9 classes), 40k
# iterations on GPU. Data: docs/datasets.md.
_base_ = [
    '../_base_/models/segfanet.py', '../_base_/datasets/msrs.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_40k.py'
]
model = dict(decode_head=dict(num_classes=9))
