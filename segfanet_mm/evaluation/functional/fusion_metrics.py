"""All twelve fusion metrics for a batch in one call.

:func:`compute_fusion_metrics` shares work between metrics and runs on the
inputs' device:

* one ``bincount`` counts the joint histograms (F,A), (F,B), (A,B); EN and
  both MIs come from them, and for 8-bit images (integer values 0..255, the
  normal case) so do SD, CC, SCD, MSE and PSNR, exactly (other float inputs
  take a float64 covariance pass instead);
* SF and AG: shifted differences;
* SSIM: one box-filter pass over the 8 maps of both sources;
* VIF: one Gaussian pass per scale for both sources;
* Qabf: one Sobel pass over the three images.

On CPU the window metrics walk the image in blocks of about 1 MiB (large
temporaries cost page faults on every allocation; small ones stay in
cache). The convention is a :class:`FusionConvention`; its default is the
one of ``shared/data/metric_fixture/README.md`` (see ``docs/metrics.md``).
"""
import contextlib
from dataclasses import asdict, dataclass, replace
from typing import Dict, Iterable, Mapping, Optional, Sequence, Union

import torch
from torch import Tensor

from ._utils import as_triple
from .correlation import joint_moments, moment_metrics, second_moment_metrics
from .entropy import entropy_mi_from_joint, fusion_joint_histograms, log_base
from .error import mse_pair, peak_value, psnr_from_mse
from .extra_metrics import EXTRA_METRIC_NAMES, EXTRA_METRICS, SHARED_METRICS
from .gradient import AG_DENOMINATORS, average_gradient, spatial_frequency
from .petrovic import NABF_CALL_ORDERS
from .qabf import EQUAL_RULES, qabf
from .ssim import fusion_ssim_per_source, reduce_sources
from .structural import UNDEFINED_RULES
from .vif import fusion_vif_per_source

METRIC_NAMES = ('EN', 'SD', 'SF', 'AG', 'MI', 'SCD', 'VIF', 'Qabf', 'SSIM',
                'CC', 'PSNR', 'MSE')
# every metric, default twelve first (the names are the CSV columns)
ALL_METRIC_NAMES = METRIC_NAMES + EXTRA_METRIC_NAMES

# When each metric is NaN: its formula is 0/0 on that input, or the image
# is too small for its windows; every other input gives a finite number
# (+inf only for PSNR and PSNR_VIFB of F equal to both sources). Tools
# print these as notes; docs/metrics.md lists them with the values.
NAN_CASES: Dict[str, str] = {
    'SF':
    'image narrower than 2 px',
    'AG':
    'image narrower than 2 px',
    'VIF':
    'image smaller than about 41x41 px',
    'SSIM':
    'image smaller than 7x7 px',
    'Qabf':
    'neither source has an edge: both all-zero (with the zero '
    'padding a constant non-zero image has edges at its border)',
    'PSNR':
    'all-zero fused image with peak=max (no signal level); '
    '+inf when F equals both sources',
    'NMI':
    'a constant non-zero image (no grey-level range to stretch: '
    '0/0), or a source and F both without entropy (0/0)',
    'Qncie':
    'a constant non-zero image (no grey-level range to '
    'stretch: 0/0)',
    'Qp':
    'F constant (its phase-congruency moments are 0/0), or no '
    'source feature (phase congruency > 0.1 nowhere, e.g. both '
    'sources constant: 0/0)',
    'Qsf':
    'both sources constant (reference SF is 0: 0/0)',
    'Q0':
    'image smaller than 11x11 px',
    'Qw':
    'image smaller than 11x11 px',
    'Qc':
    "image smaller than 11x11 px; with undefined_weight='nan' also "
    'any window where cov(A,F) + cov(B,F) = 0',
    'Qy':
    "image smaller than 11x11 px; with undefined_weight='nan' also "
    'any window where both sources are flat',
    'Qcb':
    'any image constant (its CSF-filtered image is 0: 0/0 in the '
    'contrast ratio), or a pixel where both sources have no '
    'contrast (0/0 weights)',
    'Qcv':
    'a constant non-zero image (no grey-level range to stretch: '
    '0/0), or neither source has an edge (all-zero sources: 0/0)',
    'FMI_pixel':
    'image smaller than 3x3 px',
    'FMI_dct':
    'image smaller than 3x3 px',
    'FMI_w':
    'image smaller than 3x3 px',
    'MEF_SSIM':
    'image side under 44 px (three scales of an 11x11 window)',
    'MS_SSIM':
    'image side under 176 px (five scales of an 11x11 window), '
    'or a negative mean contrast-structure term at some scale',
}


@dataclass(frozen=True)
class FusionConvention:
    """How the fusion metrics are computed. The defaults are the fixture
    README's convention; each field switches one common alternative.

    Args:
        mi_base: ``'e'`` (nats, default; sklearn) or ``'2'`` (bits, larger
            by 1/ln 2). EN is always in bits.
        scale: ``255`` (default; SD, SF, AG, MSE on 0..255) or ``1`` (those
            four reported for images on [0, 1]: SD, SF, AG divided by 255,
            MSE by 255²). Scale-free metrics are unchanged.
        ssim_data_range: L in SSIM's C1 = (0.01 L)², C2 = (0.03 L)² with
            pixel values on 0..255: ``2`` (default, most IVIF papers) or
            ``255`` (textbook SSIM of 8-bit images).
        psnr_peak: ``'max'`` (default, max(F)) or a number on the
            reporting scale (``255``; or ``1`` together with ``scale=1``).
        psnr_cap: ``None`` (default; identical images give +inf) or a
            finite cap in dB.
        pair_reduction: ``'sum'`` (default) or ``'mean'`` of the two
            per-source values of SSIM, VIF and MS_SSIM (MI and SCD are
            always sums, CC always a mean, by definition).
        ag_denominator: ``'HW'`` (default) or ``'(H-1)(W-1)'`` (MATLAB).
        qabf_equal_rule: ``'gF'`` (default) or ``'one'``.
        undefined_weight: Qc and Qy where their local weight is 0/0:
            ``'half'`` (default, both sources weigh ½) or ``'nan'`` (the
            toolbox: the metric becomes NaN).
        nabf_call_order: ``'paper'`` (default) or ``'tang'`` (Tang's
            script's argument order, which passes IR as the fused image).
    """
    mi_base: str = 'e'
    scale: int = 255
    ssim_data_range: float = 2.0
    psnr_peak: Union[str, float] = 'max'
    psnr_cap: Optional[float] = None
    pair_reduction: str = 'sum'
    ag_denominator: str = 'HW'
    qabf_equal_rule: str = 'gF'
    undefined_weight: str = 'half'
    nabf_call_order: str = 'paper'

    def __post_init__(self):
        object.__setattr__(self, 'mi_base', str(self.mi_base))
        log_base(self.mi_base)
        if self.mi_base not in ('e', '2'):
            raise ValueError(f"mi_base must be 'e' or '2', "
                             f'got {self.mi_base!r}')
        if float(self.scale) not in (1.0, 255.0):
            raise ValueError(f'scale must be 255 or 1, got {self.scale!r}')
        object.__setattr__(self, 'scale', int(self.scale))
        if not float(self.ssim_data_range) > 0:
            raise ValueError('ssim_data_range must be positive')
        if isinstance(self.psnr_peak, str) and self.psnr_peak != 'max':
            object.__setattr__(self, 'psnr_peak', float(self.psnr_peak))
        if self.pair_reduction not in ('sum', 'mean'):
            raise ValueError("pair_reduction must be 'sum' or 'mean', got "
                             f'{self.pair_reduction!r}')
        if self.ag_denominator not in AG_DENOMINATORS:
            raise ValueError(f'ag_denominator must be one of '
                             f'{AG_DENOMINATORS}, got {self.ag_denominator!r}')
        if self.qabf_equal_rule not in EQUAL_RULES:
            raise ValueError(f'qabf_equal_rule must be one of {EQUAL_RULES}, '
                             f'got {self.qabf_equal_rule!r}')
        if self.undefined_weight not in UNDEFINED_RULES:
            raise ValueError(f'undefined_weight must be one of '
                             f'{UNDEFINED_RULES}, got '
                             f'{self.undefined_weight!r}')
        if self.nabf_call_order not in NABF_CALL_ORDERS:
            raise ValueError(f'nabf_call_order must be one of '
                             f'{NABF_CALL_ORDERS}, got '
                             f'{self.nabf_call_order!r}')

    @classmethod
    def build(cls,
              cfg: Union[None, 'FusionConvention', Mapping] = None,
              **overrides) -> 'FusionConvention':
        """A convention from ``None`` (defaults), an instance or a dict,
        with keyword overrides."""
        if cfg is None:
            base = cls()
        elif isinstance(cfg, cls):
            base = cfg
        elif isinstance(cfg, Mapping):
            base = cls(**dict(cfg))
        else:
            raise TypeError(f'cannot build a FusionConvention from {cfg!r}')
        return replace(base, **overrides) if overrides else base

    def to_dict(self) -> dict:
        return asdict(self)

    def is_default(self) -> bool:
        return self == FusionConvention()

    def short_name(self) -> str:
        """'fixture convention', or 'custom convention (...)' listing only
        the switches that differ from it."""
        if self.is_default():
            return 'fixture convention'
        default = FusionConvention()
        diffs = [
            f'{k}={v!r}' if isinstance(v, str) else f'{k}={v:g}'
            for k, v in asdict(self).items() if v != getattr(default, k)
        ]
        return f"custom convention ({', '.join(diffs)})"

    def describe(self) -> str:
        """One line naming the convention, for table titles and logs."""
        red = self.pair_reduction
        peak = 'max(F)' if self.psnr_peak == 'max' else f'{self.psnr_peak:g}'
        rng = '0-255' if self.scale == 255 else '[0,1]'
        parts = [
            'EN bits',
            f"MI {'nats' if self.mi_base == 'e' else 'bits'} sum",
            f'SD/SF/AG/MSE on {rng}',
            f'AG/{self.ag_denominator}',
            f'SSIM 7x7 box L={self.ssim_data_range:g} {red}',
            f'VIF vifp 4-scale {red}',
            f'Qabf G=={self.qabf_equal_rule}',
            f'PSNR peak {peak}',
        ]
        if self.psnr_cap is not None:
            parts.append(f'PSNR cap {self.psnr_cap:g} dB')
        name = 'fixture convention' if self.is_default() else \
            'custom convention'
        return f"{name} ({'; '.join(parts)})"


def is_8bit(x: Tensor) -> bool:
    """True if ``x`` is uint8 or every value is an integer in 0..255."""
    if x.dtype == torch.uint8:
        return True
    return bool(torch.equal(x, torch.round(x).clamp_(0, 255)))


def resolve_metric_names(metrics: Optional[Iterable[str]]) -> Sequence[str]:
    """Canonical spelling of the requested metrics (case-insensitive), in
    the order given, duplicates dropped; ``None`` means the default twelve
    (:data:`METRIC_NAMES`), ``'all'`` every metric
    (:data:`ALL_METRIC_NAMES`). Raises ``KeyError`` naming an unknown
    metric."""
    if metrics is None:
        return METRIC_NAMES
    if isinstance(metrics, str):
        metrics = [metrics]
    metrics = list(metrics)
    lookup = {m.lower(): m for m in ALL_METRIC_NAMES}
    out = []
    for m in metrics:
        names = ALL_METRIC_NAMES if m.lower() == 'all' else None
        if names is None and m.lower() not in lookup:
            raise KeyError(f'unknown fusion metric {m!r}; choose from '
                           f"{', '.join(ALL_METRIC_NAMES)} or 'all'")
        for name in names or [lookup[m.lower()]]:
            if name not in out:
                out.append(name)
    return out


@contextlib.contextmanager
def full_fp32_precision(device: torch.device):
    """Disable TF32 for cuDNN convolutions while metrics are computed.

    Window sums must be exact; TF32 keeps 10 mantissa bits. No-op on CPU.
    """
    if device.type != 'cuda':
        yield
        return
    conv = getattr(torch.backends.cudnn, 'conv', None)
    if conv is not None and hasattr(conv, 'fp32_precision'):
        old = conv.fp32_precision
        conv.fp32_precision = 'ieee'
        try:
            yield
        finally:
            conv.fp32_precision = old
    else:
        old = torch.backends.cudnn.allow_tf32
        torch.backends.cudnn.allow_tf32 = False
        try:
            yield
        finally:
            torch.backends.cudnn.allow_tf32 = old


@contextlib.contextmanager
def cpu_threads(num_threads: Optional[int], device: torch.device):
    """Temporarily set torch's intra-op thread count for CPU work."""
    old = torch.get_num_threads()
    if num_threads is None or device.type != 'cpu' or num_threads == old:
        yield
        return
    torch.set_num_threads(int(num_threads))
    try:
        yield
    finally:
        torch.set_num_threads(old)


@torch.no_grad()
def compute_fusion_metrics(
        fused: Tensor,
        ir: Tensor,
        vis: Tensor,
        convention: Union[None, FusionConvention, Mapping] = None,
        metrics: Optional[Iterable[str]] = None,
        num_threads: Optional[int] = None) -> Dict[str, Tensor]:
    r"""Compute fusion metrics for a batch of grey triples.

    Args:
        fused: Fused grey images F, (B, 1, H, W) (or (H, W), (B, H, W)) on
            the **0..255** scale — integer values for 8-bit images (see
            :func:`quantize_unit`). uint8 tensors are the fastest input.
        ir: IR grey images A, same shape.
        vis: Visible grey images B, same shape (see :func:`rgb_to_grey`).
        convention: :class:`FusionConvention`, a dict of its fields, or
            ``None`` for the fixture convention.
        metrics: Names from :data:`ALL_METRIC_NAMES` (case-insensitive) or
            ``'all'``; default the twelve of :data:`METRIC_NAMES`.
        num_threads: CPU only: torch intra-op threads during the call, the
            previous setting restored afterwards; ``None`` (default) keeps
            torch's setting. The work comes in cache-sized blocks, so extra
            threads save little wall time and cost much CPU time in OpenMP
            synchronisation: one thread gives the lowest CPU time. Prefer
            ``torch.set_num_threads(1)`` once over this argument when
            calling repeatedly: switching the thread count per call costs
            ~30 ms (oneDNN re-creates its kernels for the new count).

    Returns:
        ``{name: float64 tensor (B,)}`` (in the order of ``metrics``, or
        :data:`METRIC_NAMES`), on the inputs' device. Images too small for
        a metric give NaN (VIF needs about 41 px per side, SSIM 7).
    """
    conv = FusionConvention.build(convention)
    names = resolve_metric_names(metrics)
    raw = as_triple(fused, ir, vis, to_float=False)
    f, a, b = (t.to(torch.float32) for t in raw)
    wanted = set(names)
    out: Dict[str, Tensor] = {}
    # scale=1 reports the value-scaled metrics for images on [0, 1].
    lin = 1.0 if conv.scale == 255 else 1.0 / 255.0
    peak = conv.psnr_peak if conv.psnr_peak == 'max' else \
        float(conv.psnr_peak) / lin
    hist_metrics = {'EN', 'MI', 'SD', 'CC', 'SCD', 'MSE', 'PSNR'}
    with full_fp32_precision(f.device), cpu_threads(num_threads, f.device):
        if wanted & hist_metrics:
            exact = all(is_8bit(t) for t in raw)
            joint = fusion_joint_histograms(*raw)
            en, mi_a, mi_b = entropy_mi_from_joint(joint, 2, conv.mi_base)
            out['EN'] = en
            out['MI'] = mi_a + mi_b
            if exact:
                # 8-bit images: moments exactly from the joint histograms.
                mom = joint_moments(joint)
                out.update(moment_metrics(mom))
                m = 0.5 * (mom['mse_fa'] + mom['mse_fb'])
                pk = mom['max_f'] if peak == 'max' else peak_value(f, peak)
            else:
                out.update(second_moment_metrics(f, a, b))
                m = 0.5 * (mse_pair(a, f) + mse_pair(b, f))
                pk = peak_value(f, peak)
            out['SD'] = out['SD'] * lin
            out['PSNR'] = psnr_from_mse(m, pk, conv.psnr_cap)
            out['MSE'] = m * (lin * lin)
        if 'SF' in wanted:
            out['SF'] = spatial_frequency(f) * lin
        if 'AG' in wanted:
            out['AG'] = average_gradient(f, conv.ag_denominator) * lin
        if 'VIF' in wanted:
            out['VIF'] = reduce_sources(
                fusion_vif_per_source(f, a, b), conv.pair_reduction)
        if 'Qabf' in wanted:
            out['Qabf'] = qabf(f, a, b, conv.qabf_equal_rule)
        if 'SSIM' in wanted:
            out['SSIM'] = reduce_sources(
                fusion_ssim_per_source(f, a, b, conv.ssim_data_range),
                conv.pair_reduction)
        for group, fn in SHARED_METRICS.items():
            if len(wanted.intersection(group)) > 1:
                out.update(zip(group, fn(f, a, b, conv)))
        for name in EXTRA_METRIC_NAMES:
            if name in wanted and name not in out:
                out[name] = EXTRA_METRICS[name](f, a, b, conv)
    return {k: out[k] for k in names}


__all__ = [
    'METRIC_NAMES', 'ALL_METRIC_NAMES', 'NAN_CASES', 'FusionConvention',
    'compute_fusion_metrics', 'resolve_metric_names', 'full_fp32_precision',
    'cpu_threads'
]
