"""The fusion metrics beyond the default twelve, selectable by name.

:data:`EXTRA_METRICS` maps each name to its function, ``fn(f, a, b,
convention) -> float64 (B,)`` with F, A, B the (B, 1, H, W) grey images on
0..255; :func:`~.fusion_metrics.compute_fusion_metrics` calls them for the
requested names. Each reproduces a public MATLAB toolbox (VIFB, Liu's
``imageFusionMetrics``, Tang's ``Evaluation-for-Image-Fusion``); where that
code is faulty the paper's definition is the default and the toolbox's
behaviour a :class:`~.fusion_metrics.FusionConvention` switch. Sources,
conventions and known disagreements: ``docs/metrics.md``.
"""
from collections import OrderedDict
from typing import Callable, Dict, Tuple

from .error import vifb_psnr, vifb_rmse
from .feature_mi import fmi
from .gradient import edge_intensity, qsf
from .hvs import qcb, qcv
from .information import cross_entropy, nmi, qncie
from .multiscale_ssim import mef_ssim, ms_ssim_per_source
from .petrovic import nabf, qg
from .phase_congruency import qp
from .ssim import reduce_sources
from .structural import piella, q0, qc, qc_qy, qw, qy

# name -> fn(f, a, b, convention)
EXTRA_METRICS: Dict[str, Callable] = OrderedDict([
    ('CE', lambda f, a, b, c: cross_entropy(f, a, b)),
    ('EI', lambda f, a, b, c: edge_intensity(f)),
    ('RMSE_VIFB', lambda f, a, b, c: vifb_rmse(f, a, b)),
    ('PSNR_VIFB', lambda f, a, b, c: vifb_psnr(f, a, b)),
    ('NMI', lambda f, a, b, c: nmi(f, a, b)),
    ('Qncie', lambda f, a, b, c: qncie(f, a, b)),
    ('Qp', lambda f, a, b, c: qp(f, a, b)),
    ('Qsf', lambda f, a, b, c: qsf(f, a, b)),
    ('Q0', lambda f, a, b, c: q0(f, a, b)),
    ('Qw', lambda f, a, b, c: qw(f, a, b)),
    ('Qc', lambda f, a, b, c: qc(f, a, b, c.undefined_weight)),
    ('Qy', lambda f, a, b, c: qy(f, a, b, c.undefined_weight)),
    ('Qcb', lambda f, a, b, c: qcb(f, a, b)),
    ('Qcv', lambda f, a, b, c: qcv(f, a, b)),
    ('Nabf', lambda f, a, b, c: nabf(f, a, b, c.nabf_call_order)),
    ('Qg', lambda f, a, b, c: qg(f, a, b)),
    ('FMI_pixel', lambda f, a, b, c: fmi(f, a, b, 'none')),
    ('FMI_dct', lambda f, a, b, c: fmi(f, a, b, 'dct')),
    ('FMI_w', lambda f, a, b, c: fmi(f, a, b, 'wavelet')),
    ('MEF_SSIM', lambda f, a, b, c: mef_ssim(f, a, b)),
    ('MS_SSIM', lambda f, a, b, c: reduce_sources(
        ms_ssim_per_source(f, a, b), c.pair_reduction)),
])
EXTRA_METRIC_NAMES = tuple(EXTRA_METRICS)

# metrics computed together when more than one of a group is requested:
# names -> fn(f, a, b, convention) -> tuple of values in the names' order
SHARED_METRICS: Dict[Tuple[str, ...], Callable] = {
    ('Q0', 'Qw'): lambda f, a, b, c: piella(f, a, b),
    ('Qc', 'Qy'): lambda f, a, b, c: qc_qy(f, a, b, c.undefined_weight),
}

__all__ = ['EXTRA_METRICS', 'EXTRA_METRIC_NAMES', 'SHARED_METRICS']
