# Segmentation-only baseline of SegFANet-S-MB on MSRS: its encoder and
# decode head alone, as segfanet-s-rgb-segbranch_1xb8-800i_msrs-192x192.py.
_base_ = ['./segfanet-s-rgb-segbranch_1xb8-800i_msrs-192x192.py']
model = dict(backbone=dict(block='inverted_residual', expand_ratio=6))
