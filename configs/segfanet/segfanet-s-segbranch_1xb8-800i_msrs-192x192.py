# Segmentation baseline on MSRS: SegFANet-S's segmentation branch (its
# encoder and decode head) trained for segmentation only, on both
# modalities, with the data and schedule of
# segfanet-s_1xb8-800i_msrs-192x192.py. What the fusion and alignment
# losses add to segmentation is the difference to that config.
_base_ = [
    '../_base_/models/segfanet_seg_branch.py',
    '../_base_/datasets/msrs_seg.py', '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_800i.py'
]
model = dict(decode_head=dict(num_classes=9))
val_evaluator = [dict(type='IoUMetric', iou_metrics=['mIoU'])]
test_evaluator = val_evaluator
