# Ablation of SegFANet-S-RGB on MSRS: fusion only (no segmentation loss, no
# alignment, no semantic injection into the fusion head).
_base_ = ['./segfanet-s-rgb_1xb8-800i_msrs-192x192.py']
model = dict(
    seg_loss_weight=0.,
    align_loss=dict(loss_weight=0.),
    fusion_head=dict(semantic_injection=False))
model_wrapper_cfg = dict(
    type='MMDistributedDataParallel', find_unused_parameters=True)
