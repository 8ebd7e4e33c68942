# SegFANet-B (~21 M parameters): SegFANet-S (segfanet.py) with ResNet-style
# streams 64-128-256-512, sized for GPUs. The one way to select B: a config
# lists this file as its model base where an S config lists segfanet.py,
#   _base_ = ['../_base_/models/segfanet_b.py', <dataset>, <runtime>,
#             <schedule>]
# and sets what its recipe changes under `model` like any other config
# (num_classes, a fusion loss).
_base_ = ['./segfanet.py']
b_widths = (64, 128, 256, 512)
model = dict(
    backbone=dict(widths=b_widths, depths=(2, 2, 2, 1), reduction=16),
    decode_head=dict(in_channels=b_widths[1:], channels=128),
    fusion_head=dict(
        in_channels=b_widths,
        channels=(32, 64, 128),
        full_res_channels=16,
        injection_channels=32),
    align_loss=dict(embed_dims=64))
