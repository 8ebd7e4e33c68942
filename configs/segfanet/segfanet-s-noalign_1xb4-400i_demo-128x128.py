# Ablation: SegFANet-S on the demo data without the self-supervised
# segmentation-feature alignment (lambda_align = 0; the branch is not built).
_base_ = ['./segfanet-s_1xb4-400i_demo-128x128.py']
model = dict(align_loss=dict(loss_weight=0.))
