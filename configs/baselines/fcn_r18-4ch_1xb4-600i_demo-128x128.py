# Early-fusion segmentation baseline on the demo data: the stacked 4-channel
# pair (visible RGB + infrared) into ResNet-18 + FCN. Segmentation only (no
# fused image), so mIoU only.
_base_ = [
    '../_base_/models/fcn_r18_4ch.py', '../_base_/datasets/demo.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_demo.py'
]
model = dict(decode_head=dict(num_classes=3))
val_evaluator = [dict(type='IoUMetric', iou_metrics=['mIoU'])]
test_evaluator = val_evaluator
