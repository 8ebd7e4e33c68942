"""Vectorised PyTorch infrared-visible fusion metrics.

Inputs are batched grey images (B, 1, H, W) on the 0..255 scale (A = IR,
B = visible, F = fused); every function runs on the inputs' device and
returns float64 (B,) tensors. Conventions: ``docs/metrics.md``.
"""
from .correlation import (correlation_coefficient, covariance, pearson, scd,
                          second_moment_metrics, standard_deviation)
from .entropy import (entropy, fusion_entropy_mi, fusion_joint_histograms,
                      histogram, joint_histogram, mutual_information)
from .error import mse, psnr
from .fusion_metrics import (METRIC_NAMES, FusionConvention,
                             compute_fusion_metrics)
from .gradient import average_gradient, spatial_frequency
from .grey import quantize_unit, rgb_to_grey
from .qabf import qabf
from .ssim import fusion_ssim, ssim
from .vif import fusion_vif, vif

__all__ = [
    'METRIC_NAMES', 'FusionConvention', 'compute_fusion_metrics',
    'rgb_to_grey', 'quantize_unit', 'histogram', 'joint_histogram',
    'entropy', 'mutual_information', 'fusion_entropy_mi',
    'fusion_joint_histograms', 'spatial_frequency', 'average_gradient',
    'covariance', 'standard_deviation', 'pearson', 'correlation_coefficient',
    'scd', 'second_moment_metrics', 'mse', 'psnr', 'ssim', 'fusion_ssim',
    'vif', 'fusion_vif', 'qabf'
]
