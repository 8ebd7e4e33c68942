# Ablation of segfanet-s_1xb8-800i_msrs-192x192.py: no self-supervised
# segmentation-feature alignment (lambda_align = 0; the branch is not
# built). Same data, schedule and seed.
_base_ = ['./segfanet-s_1xb8-800i_msrs-192x192.py']
model = dict(align_loss=dict(loss_weight=0.))
