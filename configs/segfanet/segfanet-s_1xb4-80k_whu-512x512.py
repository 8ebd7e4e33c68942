# SegFANet-S on WHU-OPT-SAR (GF-1 NIR + RGB, 8 land-cover classes with
# background), 80k iterations on GPU. Data: docs/datasets.md.
_base_ = [
    '../_base_/models/segfanet.py', '../_base_/datasets/whu.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_80k.py'
]
model = dict(decode_head=dict(num_classes=8))
