# SegFANet-S: infrared-visible fusion guided by segmentation (this project's
# reconstruction of Qiu, Zhao & Wang, CJIF 2025; see docs/model.md).
# ~0.33 M parameters; trains on CPU. Inputs must be in [0, 1] (mean 0,
# std 255): the fusion loss and the fused image work on raw intensities.
# (custom_imports is set once, in default_runtime.py, which every top-level
# config inherits.)
norm_cfg = dict(type='BN', requires_grad=True)  # SyncBN needs GPUs
widths = (16, 32, 48, 64)
data_preprocessor = dict(
    type='IVFDataPreProcessor',
    mean=[0., 0., 0., 0.],
    std=[255., 255., 255., 255.],
    pad_val=0,
    seg_pad_val=255,
    size_divisor=None)
model = dict(
    type='SegFANet',
    data_preprocessor=data_preprocessor,
    backbone=dict(
        type='DualStreamEncoder',
        widths=widths,
        depths=(0, 1, 1, 0),
        strides=(2, 4, 8, 16),
        vis_mode='y',
        norm_cfg=norm_cfg),
    decode_head=dict(
        type='SegFANetSegHead',
        in_channels=widths[1:],
        in_index=(1, 2, 3),
        input_transform='multiple_select',
        channels=32,
        dropout_ratio=0.1,
        num_classes=9,
        norm_cfg=norm_cfg,
        align_corners=False,
        loss_decode=dict(
            type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0),
        # PyTorch's default init of conv_seg instead of mmseg's N(0, 0.01):
        # on short schedules the small init starves rare, small classes (demo
        # data, 600 iterations: person IoU 0 with N(0, 0.01), ~0.85 without).
        init_cfg=None),
    fusion_head=dict(
        type='FusionHead',
        in_channels=widths,
        channels=(8, 16, 32),
        full_res_channels=8,
        semantic_injection=True,
        injection_channels=16,
        align_index=1,  # the 1/4-scale decoder feature
        norm_cfg=norm_cfg),
    fusion_loss=dict(type='FusionLoss', w_int=1.0, w_grad=10.0, w_ssim=1.0),
    align_loss=dict(
        type='SegFeatureAlignmentLoss',
        embed_dims=32,
        num_samples=256,
        temperature=0.1,
        mode='infonce',
        symmetric=False,
        detach_seg=True,
        loss_weight=0.1),
    seg_loss_weight=1.0,
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
