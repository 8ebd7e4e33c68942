_base_ = [
    '../_base_/models/fcn_r18_4ch.py', '../_base_/datasets/demo.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_demo.py'
]
model = dict(decode_head=dict(num_classes=3))
