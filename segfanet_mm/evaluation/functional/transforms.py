"""Image transforms used as metric features: MATLAB's ``dct2`` and one
level of ``dwt2`` with the discrete Meyer wavelet (the features of FMI_dct
and FMI_w).
"""
import functools
import math

import torch
from torch import Tensor

# Discrete Meyer ('dmey') reconstruction low-pass filter, first half (the
# filter is symmetric about the last value here, then ends with one zero):
# the 62-tap FIR table of PyWavelets and the Scilab wavelet toolbox.
# MATLAB's Wavelet Toolbox uses a longer (102-tap) table.
_DMEY_HALF = (
    -1.0099999569414229e-12, 8.519459636796214e-09, -1.111944952595278e-08,
    -1.0798819539621958e-08, 6.0669757413511352e-08, -1.0866516536735883e-07,
    8.2006806503864813e-08, 1.1783004497663934e-07, -5.5063405652522782e-07,
    1.1307947017916706e-06, -1.4895492164971559e-06, 7.367572885903746e-07,
    3.2054419133447798e-06, -1.6312699734552807e-05, 6.5543059305751491e-05,
    -0.00060115023435160925, -0.002704672124643725, 0.0022025341009110021,
    0.006045814097323304, -0.0063877183184971563, -0.011061496392513451,
    0.015270015130934803, 0.017423434103729693, -0.032130793990211758,
    -0.024348745906078023, 0.063739024322801596, 0.030655091960824263,
    -0.13284520043622938, -0.035087555656258346, 0.44459300275757724,
    0.74458559231880628)


def _dct_last(x: Tensor) -> Tensor:
    r"""Orthonormal DCT-II along the last dim, via one FFT (Makhoul 1980).

    .. math::
        y_k = \alpha_k \sum_{n=0}^{N-1} x_n
              \cos\frac{\pi(2n+1)k}{2N},\quad
        \alpha_0 = \sqrt{1/N},\ \alpha_{k>0} = \sqrt{2/N}
    """
    n = x.shape[-1]
    v = torch.cat([x[..., ::2], x[..., 1::2].flip(-1)], -1)
    k = torch.arange(n, dtype=x.dtype, device=x.device)
    twiddle = torch.exp(
        torch.complex(torch.zeros_like(k), -math.pi * k / (2 * n)))
    y = (torch.fft.fft(v) * twiddle).real * math.sqrt(2.0 / n)
    y[..., 0] = y[..., 0] / math.sqrt(2.0)
    return y


def dct2(x: Tensor) -> Tensor:
    """MATLAB's ``dct2``: the orthonormal 2-D DCT-II of (..., H, W). On CPU
    SciPy's ``dctn`` (one worker; ~5x faster than the FFT form below at
    640 x 480, equal to 4e-16)."""
    if x.device.type == 'cpu':
        import scipy.fft  # loads on first use, not with the package
        return torch.from_numpy(
            scipy.fft.dctn(
                x.numpy(), type=2, norm='ortho', axes=(-2, -1), workers=1))
    return _dct_last(_dct_last(x).transpose(-1, -2)).transpose(-1, -2)


@functools.lru_cache(maxsize=4)
def _dmey_filters(device: str, dtype: torch.dtype):
    """MATLAB ``orthfilt``: reconstruction low-pass ``√2·w/Σw`` and its
    quadrature mirror ``g_k = (-1)^k h_{L-1-k}``."""
    w = list(_DMEY_HALF) + list(_DMEY_HALF[-2::-1]) + [0.0]
    lo = torch.tensor(w, dtype=torch.float64)
    lo = lo * (math.sqrt(2.0) / lo.sum())
    sign = torch.tensor([(-1.0)**k for k in range(len(w))],
                        dtype=torch.float64)
    hi = sign * lo.flip(0)
    return lo.to(device, dtype), hi.to(device, dtype)


def _symmetric_index(n_in: int, pad: int, device) -> Tensor:
    """Indices of the half-sample symmetric extension by ``pad`` on both
    sides (MATLAB ``wextend`` 'sym'; period 2n for pad > n)."""
    q = torch.arange(-pad, n_in + pad, device=device) % (2 * n_in)
    return torch.where(q < n_in, q, 2 * n_in - 1 - q)


def _analysis_last(x: Tensor, lo: Tensor, hi: Tensor) -> tuple:
    """Low- and high-pass halves along the last dim: symmetric extension
    by L-1, correlation with the reconstruction filters ('valid'), every
    second output from the second (MATLAB ``dwt``, shift 0)."""
    n, taps = x.shape[-1], lo.numel()
    y = x[..., _symmetric_index(n, taps - 1, x.device)]
    if y.device.type == 'cpu' and y.dtype == torch.float64:
        # compiled: the matrix products below copy every window (62 taps)
        from ._filter_compiled import decimated_pair  # Numba, on first use
        return tuple(
            torch.from_numpy(t)
            for t in decimated_pair(y.numpy(), lo.numpy(), hi.numpy()))
    win = y.unfold(-1, taps, 1)[..., 1::2, :]  # (..., floor((n+L-1)/2), L)
    return win @ lo, win @ hi


def dwt2_dmey(x: Tensor) -> tuple:
    r"""One level of MATLAB's ``dwt2(x, 'dmey')`` (extension mode 'sym').

    .. math::
        c = \big(\downarrow_2 (\tilde x \star h)\big),\ \text{rows then
        columns},\qquad \text{each of size}\ \big\lfloor
        \tfrac{n + L - 1}{2}\big\rfloor

    Args:
        x: (..., H, W) float tensor.

    Returns:
        ``(cA, cH, cV, cD)`` as MATLAB names them: (low, high) pass along
        (W, H) = (L, L), (L, H), (H, L), (H, H).
    """
    lo, hi = _dmey_filters(str(x.device), x.dtype)
    low_w, high_w = _analysis_last(x, lo, hi)
    ll, lh = (
        t.transpose(-1, -2)
        for t in _analysis_last(low_w.transpose(-1, -2), lo, hi))
    hl, hh = (
        t.transpose(-1, -2)
        for t in _analysis_last(high_w.transpose(-1, -2), lo, hi))
    return ll, lh, hl, hh
