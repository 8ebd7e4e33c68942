# Early-fusion baseline: the 4-channel pair (visible RGB + infrared) goes
# straight into a ResNet-18 and an FCN head. No fusion output; a reference
# point for what segmentation gets from the raw stacked pair.
norm_cfg = dict(type='BN', requires_grad=True)  # SyncBN needs GPUs
data_preprocessor = dict(
    type='IVFDataPreProcessor',
    mean=[123.675, 116.28, 103.53, 110.0],
    std=[58.395, 57.12, 57.375, 60.0],
    pad_val=0,
    seg_pad_val=255)
model = dict(
    type='EncoderDecoder',
    data_preprocessor=data_preprocessor,
    pretrained=None,
    backbone=dict(
        type='ResNetV1c',
        depth=18,
        in_channels=4,
        num_stages=4,
        out_indices=(0, 1, 2, 3),
        dilations=(1, 1, 1, 2),
        strides=(1, 2, 2, 1),
        norm_cfg=norm_cfg,
        norm_eval=False,
        style='pytorch',
        contract_dilation=True),
    decode_head=dict(
        type='FCNHead',
        in_channels=512,
        in_index=3,
        channels=128,
        num_convs=1,
        concat_input=False,
        dropout_ratio=0.1,
        num_classes=2,
        norm_cfg=norm_cfg,
        align_corners=False,
        loss_decode=dict(
            type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
