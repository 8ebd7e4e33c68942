# SegFANet-S on MSRS with its 9-class labels (configs/_base_/datasets/
# msrs_seg.py: 125 train / 31 val pairs), sized for a 2-core CPU: 800
# iterations of batch 8 on random 192 x 192 crops (after a random 0.5-1.0
# rescale), AdamW with warm-up and poly decay. Validation on val/ (mIoU and
# the fusion metrics). The released weights checkpoints/segfanet-s_msrs.pth
# and their numbers: docs/results.md, "MSRS".
_base_ = [
    '../_base_/models/segfanet_real.py', '../_base_/datasets/msrs_seg.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_800i.py'
]
custom_imports = dict(imports=['segfanet_mm'], allow_failed_imports=False)
# Fusion loss: the real-data recipe's (_base_/models/segfanet_real.py, run P),
# carried over unchanged; segmentation: plain cross-entropy over 9 classes.
model = dict(decode_head=dict(num_classes=9))
