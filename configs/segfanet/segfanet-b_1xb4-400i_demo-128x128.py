# SegFANet-B on the demo data, with the data and schedule of
# segfanet-s_1xb4-400i_demo-128x128.py: shows the GPU-sized variant runs
# (slow on a CPU).
_base_ = [
    '../_base_/models/segfanet_b.py', '../_base_/datasets/demo.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_400i.py'
]
model = dict(decode_head=dict(num_classes=3))
