# Ablation of SegFANet-S-RGB on MSRS: fusion only (no segmentation loss, no
# alignment, no semantic injection into the fusion head): the fusion-only
# ablation of SegFANet-S with SegFANet-S-RGB's encoder and class weights.
_base_ = ['./segfanet-s-fusiononly_1xb8-800i_msrs-192x192.py']
model = dict(
    backbone=dict(vis_mode='rgb', depths=(1, 2, 2, 2)),
    decode_head=dict(loss_decode=dict(class_weight={{_base_.class_weight}})))
