# SegFANet-S on real infrared/visible pairs (RoadScene + 8 labelled MSRS
# pairs, configs/_base_/datasets/real_mixed.py), sized for a 2-core CPU:
# 1000 iterations of batch 8 (192 x 192 crops), 31 min on 2 cores shared
# with a second training. Tested on VIFB (21 pairs, held out). Results and
# the released weights: docs/results.md.
_base_ = [
    './_base_/models/segfanet.py', './_base_/datasets/real_mixed.py',
    './_base_/default_runtime.py', './_base_/schedules/schedule_demo.py'
]
custom_imports = dict(imports=['segfanet_mm'], allow_failed_imports=False)
# Fusion loss (docs/results.md, "Recipe" and run P): intensity against a
# two-scale target (the brighter base layer plus both sources' detail,
# sigma 2 px), signed gradient, SSIM, a soft mutual-information term (48
# bins) and a soft Qabf term. The MI term holds the grey levels of both
# sources (the mean rule's strength), the gradient and Qabf terms their
# edges (the max rule's).
model = dict(
    decode_head=dict(num_classes=2),
    fusion_loss=dict(
        w_int=3.0,
        w_grad=20.0,
        w_ssim=3.5,
        w_mi=5.0,
        mi_bins=48,
        w_qabf=8.0,
        signed_gradient=True,
        detail_sigma=2.0))
max_iters = 1000
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, begin=0, end=50, by_epoch=False),
    dict(
        type='PolyLR',
        eta_min=1e-5,
        power=0.9,
        begin=50,
        end=max_iters,
        by_epoch=False)
]
train_cfg = dict(max_iters=max_iters, val_interval=500)
default_hooks = dict(checkpoint=dict(interval=500))
