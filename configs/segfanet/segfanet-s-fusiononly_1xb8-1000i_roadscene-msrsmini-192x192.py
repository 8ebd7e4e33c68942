# Ablation of segfanet-s_1xb8-1000i_roadscene-msrsmini-192x192.py: fusion
# only (no segmentation loss, no alignment, no semantic injection), same
# data and schedule. The decode head is built but untrained.
_base_ = ['./segfanet-s_1xb8-1000i_roadscene-msrsmini-192x192.py']
model = dict(
    seg_loss_weight=0.,
    align_loss=dict(loss_weight=0.),
    fusion_head=dict(semantic_injection=False))
model_wrapper_cfg = dict(
    type='MMDistributedDataParallel', find_unused_parameters=True)
