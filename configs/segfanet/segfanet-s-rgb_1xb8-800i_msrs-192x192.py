# SegFANet-S-RGB on MSRS: the MSRS recipe with the visible stream reading
# RGB instead of luminance, one more residual block per stream and stage
# (0.76 M parameters, 1.46 MB in float16) and class-weighted cross-entropy.
# Chosen on msrs_seg/val (docs/results.md, "SegFANet-S-RGB"): +3.6 mIoU over
# the luminance encoder with the same class weights (three seeds each).
_base_ = ['./segfanet-s_1xb8-800i_msrs-192x192.py']
model = dict(
    backbone=dict(vis_mode='rgb', depths=(1, 2, 2, 2)),
    decode_head=dict(loss_decode=dict(class_weight={{_base_.class_weight}})))
