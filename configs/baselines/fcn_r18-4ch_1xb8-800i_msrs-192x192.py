# Early-fusion segmentation baseline on MSRS: the stacked 4-channel pair
# (visible RGB + infrared) into ResNet-18 + FCN, randomly initialised, with
# the data, crops, batch and schedule of
# configs/segfanet/segfanet-s_1xb8-800i_msrs-192x192.py (docs/results.md,
# "MSRS"). Segmentation only: no fused image, so mIoU only.
_base_ = [
    '../_base_/models/fcn_r18_4ch.py', '../_base_/datasets/msrs_seg.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_800i.py'
]
model = dict(decode_head=dict(num_classes=9))
val_evaluator = [dict(type='IoUMetric', iou_metrics=['mIoU'])]
test_evaluator = val_evaluator
