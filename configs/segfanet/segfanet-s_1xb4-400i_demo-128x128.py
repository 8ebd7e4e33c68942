# SegFANet-S on the built-in synthetic demo data (3 classes), CPU-sized: 400
# iterations of batch 4 on 128 x 128 crops; what `make demo` trains.
_base_ = [
    '../_base_/models/segfanet.py', '../_base_/datasets/demo.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_400i.py'
]
model = dict(decode_head=dict(num_classes=3))
