# Ablation: SegFANet-S on the demo data without the self-supervised
# segmentation-feature alignment (lambda_align = 0; the branch is not built).
_base_ = ['./segfanet_demo.py']
model = dict(align_loss=dict(loss_weight=0.))
