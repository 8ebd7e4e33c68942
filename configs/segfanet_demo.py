# SegFANet-S on the built-in synthetic demo data (3 classes), CPU-sized.
_base_ = [
    './_base_/models/segfanet.py', './_base_/datasets/demo.py',
    './_base_/default_runtime.py', './_base_/schedules/schedule_demo.py'
]
custom_imports = dict(imports=['segfanet_mm'], allow_failed_imports=False)
model = dict(decode_head=dict(num_classes=3))
# Segmentation and fusion quality in one evaluator (docs/metrics.md).
val_evaluator = [
    dict(type='IoUMetric', iou_metrics=['mIoU']),
    dict(type='FusionMetric')
]
test_evaluator = val_evaluator
