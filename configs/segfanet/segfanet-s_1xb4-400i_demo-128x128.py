# SegFANet-S on the built-in synthetic demo data (3 classes), CPU-sized:
# 400 iterations of batch 4 (128 x 128 crops), about 2-3 min of training on
# 2 CPU cores when the machine is otherwise idle.
_base_ = [
    '../_base_/models/segfanet.py', '../_base_/datasets/demo.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_demo.py'
]
model = dict(decode_head=dict(num_classes=3))
max_iters = 400
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
train_cfg = dict(max_iters=max_iters, val_interval=200)
# Segmentation and fusion quality in one evaluator (docs/metrics.md).
val_evaluator = [
    dict(type='IoUMetric', iou_metrics=['mIoU']),
    dict(type='FusionMetric')
]
test_evaluator = val_evaluator
