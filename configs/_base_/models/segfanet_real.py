# SegFANet-S with the fusion loss of the real-data recipe (run P of
# docs/results.md): intensity against a two-scale target (the brighter base
# layer plus both sources' detail, sigma 2 px), signed gradient, SSIM, a soft
# mutual-information term (48 bins) and a soft Qabf term. The MI term holds
# the grey levels of both sources (the mean rule's strength), the gradient
# and Qabf terms their edges (the max rule's).
_base_ = ['./segfanet.py']
model = dict(
    fusion_loss=dict(
        w_int=3.0,
        w_grad=20.0,
        w_ssim=3.5,
        w_mi=5.0,
        mi_bins=48,
        w_qabf=8.0,
        signed_gradient=True,
        detail_sigma=2.0))
