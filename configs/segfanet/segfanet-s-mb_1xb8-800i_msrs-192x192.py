# SegFANet-S-MB on MSRS: SegFANet-S-RGB with MobileNetV2 inverted residual
# blocks (expansion 6) in both streams instead of ResNet basic blocks:
# six times wider inside each block for fewer parameters. Chosen on
# msrs_seg/val (docs/results.md, "Where the segmentation gap lives").
_base_ = ['./segfanet-s-rgb_1xb8-800i_msrs-192x192.py']
model = dict(backbone=dict(block='inverted_residual', expand_ratio=6))
