"""Evaluation: infrared-visible fusion metrics.

* :mod:`.functional` — vectorised PyTorch metric functions and
  :func:`compute_fusion_metrics` (device follows the inputs).
* :class:`FusionMetric` — the mmengine/mmseg metric (registered in
  ``mmseg.registry.METRICS``), usable next to ``IoUMetric``.

Conventions and their switches: ``docs/metrics.md``.
"""
from .functional import (ALL_METRIC_NAMES, METRIC_NAMES, FusionConvention,
                         average_gradient, compute_fusion_metrics,
                         correlation_coefficient, entropy, fusion_ssim,
                         fusion_vif, mse, mutual_information, psnr, qabf,
                         quantize_unit, rgb_to_grey, scd, spatial_frequency,
                         ssim, standard_deviation, vif)
from .metrics import FusionMetric, write_per_image_csv

__all__ = [
    'FusionMetric', 'write_per_image_csv', 'METRIC_NAMES', 'ALL_METRIC_NAMES',
    'FusionConvention', 'compute_fusion_metrics', 'rgb_to_grey',
    'quantize_unit', 'entropy', 'mutual_information', 'standard_deviation',
    'spatial_frequency', 'average_gradient', 'correlation_coefficient', 'scd',
    'mse', 'psnr', 'ssim', 'fusion_ssim', 'vif', 'fusion_vif', 'qabf'
]
