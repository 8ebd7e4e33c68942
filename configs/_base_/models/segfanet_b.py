# SegFANet-B (~21 M parameters): ResNet-style streams 64-128-256-512, sized
# for GPUs. A top-level config applies it on top of a SegFANet-S model with
#   _base_ = [..., './_base_/models/segfanet_b.py']
#   model = {{_base_.segfanet_b}}
# (a separate name, because two bases may not both define `model`).
b_widths = (64, 128, 256, 512)
segfanet_b = dict(
    backbone=dict(widths=b_widths, depths=(2, 2, 2, 1), reduction=16),
    decode_head=dict(in_channels=b_widths[1:], channels=128),
    fusion_head=dict(
        in_channels=b_widths,
        channels=(32, 64, 128),
        full_res_channels=16,
        injection_channels=32),
    align_loss=dict(embed_dims=64))
