# SegFANet-B (~22 M parameters): ResNet-style streams 64-128-256-512, for
# GPUs. On the demo data it shows the variant runs; on CPU it is slow.
_base_ = ['./segfanet_demo.py']
widths = (64, 128, 256, 512)
model = dict(
    backbone=dict(widths=widths, depths=(2, 2, 2, 1), reduction=16),
    decode_head=dict(in_channels=widths[1:], channels=128),
    fusion_head=dict(
        in_channels=widths,
        channels=(32, 64, 128),
        full_res_channels=16,
        injection_channels=32),
    align_loss=dict(embed_dims=64))
