"""Vectorised PyTorch infrared-visible fusion metrics.

Inputs are batched grey images (B, 1, H, W) on the 0..255 scale (A = IR,
B = visible, F = fused); every function runs on the inputs' device and
returns float64 (B,) tensors. Conventions: ``docs/metrics.md``.
"""
from ...utils.colour import rgb_to_grey
from .correlation import (correlation_coefficient, covariance, pearson, scd,
                          second_moment_metrics, standard_deviation)
from .entropy import (entropy, fusion_entropy_mi, fusion_joint_histograms,
                      histogram, joint_histogram, mutual_information)
from .error import mse, psnr, vifb_psnr, vifb_rmse
from .extra_metrics import EXTRA_METRIC_NAMES
from .feature_mi import fmi
from .fusion_metrics import (ALL_METRIC_NAMES, METRIC_NAMES, FusionConvention,
                             compute_fusion_metrics)
from .gradient import average_gradient, edge_intensity, qsf, spatial_frequency
from .grey import quantize_unit
from .hvs import qcb, qcv
from .information import cross_entropy, nmi, qncie
from .multiscale_ssim import mef_ssim, ms_ssim_per_source
from .petrovic import nabf, qg
from .phase_congruency import phase_congruency, qp
from .qabf import qabf
from .ssim import fusion_ssim, ssim
from .structural import q0, qc, qw, qy
from .vif import fusion_vif, vif

__all__ = [
    'METRIC_NAMES', 'EXTRA_METRIC_NAMES', 'ALL_METRIC_NAMES',
    'FusionConvention', 'compute_fusion_metrics', 'rgb_to_grey',
    'quantize_unit', 'histogram', 'joint_histogram', 'entropy',
    'mutual_information', 'fusion_entropy_mi', 'fusion_joint_histograms',
    'spatial_frequency', 'average_gradient', 'covariance',
    'standard_deviation', 'pearson', 'correlation_coefficient', 'scd',
    'second_moment_metrics', 'mse', 'psnr', 'ssim', 'fusion_ssim', 'vif',
    'fusion_vif', 'qabf', 'cross_entropy', 'edge_intensity', 'vifb_rmse',
    'vifb_psnr', 'nmi', 'qncie', 'qsf', 'q0', 'qw', 'qc', 'qy', 'qcb', 'qcv',
    'nabf', 'qg', 'mef_ssim', 'ms_ssim_per_source', 'qp', 'phase_congruency',
    'fmi'
]
