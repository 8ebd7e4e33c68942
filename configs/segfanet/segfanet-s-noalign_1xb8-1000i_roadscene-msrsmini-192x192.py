# Ablation of segfanet-s_1xb8-1000i_roadscene-msrsmini-192x192.py: no
# self-supervised segmentation-feature alignment (lambda_align = 0; the
# branch is not built). Same data and schedule; docs/results.md compares
# the two.
_base_ = ['./segfanet-s_1xb8-1000i_roadscene-msrsmini-192x192.py']
model = dict(align_loss=dict(loss_weight=0.))
