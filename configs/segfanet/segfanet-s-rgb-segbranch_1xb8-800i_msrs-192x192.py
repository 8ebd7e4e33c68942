# Segmentation-only baseline of SegFANet-S-RGB on MSRS: its encoder and
# decode head alone (cross-entropy with the same class weights), IR + visible.
_base_ = ['./segfanet-s-segbranch_1xb8-800i_msrs-192x192.py']
model = dict(
    backbone=dict(vis_mode='rgb', depths=(1, 2, 2, 2)),
    decode_head=dict(loss_decode=dict(class_weight={{_base_.class_weight}})))
