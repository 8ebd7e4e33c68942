# A small early-fusion baseline for SegFANet-S-RGB on MSRS: mmseg's
# BiSeNetV2 at reduced width (detail branch 32-32-64, semantic branch
# 16-32-64-64, aggregation 64; 0.77 M parameters at test time, about the
# size of SegFANet-S-RGB's 0.76 M) on the stacked 4-channel pair, with the
# data, schedule and class-weighted cross-entropy of the FCN-R18 baseline.
# Its four booster heads train with it and are dropped at test time.
# It asks whether the dual-stream design segments better than early fusion
# of the same size (docs/results.md, "Where the segmentation gap lives").
_base_ = [
    '../_base_/models/bisenetv2.py', '../_base_/datasets/msrs_seg.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_800i.py'
]
semantic_channels = (16, 32, 64, 64)
loss_decode = dict(
    type='CrossEntropyLoss',
    use_sigmoid=False,
    loss_weight=1.0,
    class_weight={{_base_.class_weight}})
booster = dict(
    type='FCNHead',
    num_convs=2,
    num_classes=9,
    norm_cfg={{_base_.norm_cfg}},
    concat_input=False,
    align_corners=False,
    loss_decode=loss_decode)
# the FCN-R18 baseline's 4-channel normalisation; whole-image inference
# pads to a multiple of 32, the semantic branch's stride
data_preprocessor = dict(
    _delete_=True,
    type='IVFDataPreProcessor',
    mean=[123.675, 116.28, 103.53, 110.0],
    std=[58.395, 57.12, 57.375, 60.0],
    pad_val=0,
    seg_pad_val=255,
    test_cfg=dict(size_divisor=32))
model = dict(
    data_preprocessor=data_preprocessor,
    backbone=dict(
        in_channels=4,
        detail_channels=(32, 32, 64),
        semantic_channels=semantic_channels,
        bga_channels=64),
    decode_head=dict(in_channels=64, channels=128, loss_decode=loss_decode),
    auxiliary_head=[
        dict(booster, in_channels=c, channels=c, in_index=i + 1)
        for i, c in enumerate(semantic_channels)
    ])
val_evaluator = [dict(type='IoUMetric', iou_metrics=['mIoU'])]
test_evaluator = val_evaluator
