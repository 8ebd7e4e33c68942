# Ablation of SegFANet-S-MB on MSRS: no segmentation-fusion alignment loss.
_base_ = ['./segfanet-s-mb_1xb8-800i_msrs-192x192.py']
model = dict(align_loss=dict(loss_weight=0.))
