# Ablation of SegFANet-S-RGB on MSRS: no segmentation-fusion alignment loss.
_base_ = ['./segfanet-s-rgb_1xb8-800i_msrs-192x192.py']
model = dict(align_loss=dict(loss_weight=0.))
