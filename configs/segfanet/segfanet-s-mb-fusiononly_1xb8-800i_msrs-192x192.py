# Ablation of SegFANet-S-MB on MSRS: fusion only (no segmentation loss, no
# alignment, no semantic injection), with SegFANet-S-MB's encoder.
_base_ = ['./segfanet-s-rgb-fusiononly_1xb8-800i_msrs-192x192.py']
model = dict(backbone=dict(block='inverted_residual', expand_ratio=6))
