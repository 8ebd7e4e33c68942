# SegFANet-B on the real-data recipe, for a GPU (docs/results.md,
# "SegFANet-B on a GPU"). Same data and schedule as configs/segfanet_s_real.py,
# but the fusion loss of S's first release (intensity 3, gradient 10, SSIM
# 3), which is what B was trained and scored with: S's current loss was
# found after the GPU time had been spent.
_base_ = ['./segfanet-s_1xb8-1000i_roadscene-msrsmini-192x192.py', '../_base_/models/segfanet_b.py']
model = dict(
    backbone={{_base_.segfanet_b.backbone}},
    decode_head={{_base_.segfanet_b.decode_head}},
    fusion_head={{_base_.segfanet_b.fusion_head}},
    align_loss={{_base_.segfanet_b.align_loss}},
    fusion_loss=dict(
        _delete_=True, type='FusionLoss', w_int=3.0, w_grad=10.0,
        w_ssim=3.0))
