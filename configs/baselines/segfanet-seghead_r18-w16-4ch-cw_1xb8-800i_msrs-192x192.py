# A small early-fusion baseline for SegFANet-S-RGB on MSRS: the FCN-R18
# baseline's dilated ResNet-18 at a quarter of its width (stem and base
# channels 16: stages 16-32-64-128, 0.72 M parameters, about the size of
# SegFANet-S-RGB's 0.76 M) on the stacked 4-channel pair, decoded by
# SegFANet's own segmentation head, with the FCN-R18 baseline's data,
# schedule and class-weighted cross-entropy. With the full-width ResNet-18
# (11 M parameters) this head scores as the FCN head does (docs/results.md,
# "Where the segmentation gap lives").
_base_ = ['./fcn_r18-4ch-cw_1xb8-800i_msrs-192x192.py']
model = dict(
    backbone=dict(base_channels=16, stem_channels=16),
    decode_head=dict(
        _delete_=True,
        type='SegFANetSegHead',
        in_channels=(32, 64, 128),
        in_index=(1, 2, 3),
        input_transform='multiple_select',
        channels=32,
        dropout_ratio=0.1,
        num_classes=9,
        norm_cfg={{_base_.norm_cfg}},
        align_corners=False,
        loss_decode=dict(
            type='CrossEntropyLoss',
            use_sigmoid=False,
            loss_weight=1.0,
            class_weight={{_base_.class_weight}}),
        # PyTorch's default init of conv_seg, as SegFANet's head has it
        init_cfg=None))
