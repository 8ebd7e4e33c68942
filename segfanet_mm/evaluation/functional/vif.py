"""Visual information fidelity, multiscale pixel-domain version (vifp).

Sheikh & Bovik, "Image information and visual quality", IEEE TIP 2006; the
pixel-domain multiscale variant ``vifp_mscale`` used by the fusion toolkits.
The fusion score is VIF(A→F) + VIF(B→F) with each source as the reference
and F as the distorted image (``reduction='mean'`` halves it).

Per scale s = 1..4 with window size N = 2^(5-s)+1 (17, 9, 5, 3), Gaussian
σ = N/5 normalised to sum 1 (MATLAB ``fspecial``; its cut of entries below
eps·max never applies for these N and σ, so the window is the outer product
of a 1-D Gaussian and is applied as two 1-D convolutions):

* s > 1: filter both images with the window ('valid'), keep every second
  row/column (computed directly as a stride-2 convolution);
* local statistics over the window ('valid'): μ1, μ2,
  σ1² = E[r²]−μ1², σ2² = E[d²]−μ2², σ12 = E[rd]−μ1μ2 (negatives of σ1², σ2²
  set to 0);
* g = σ12/(σ1²+1e−10), sv² = σ2² − g σ12, then in order: σ1² < 1e−10 →
  g = 0, sv² = σ2², σ1² = 0; σ2² < 1e−10 → g = 0, sv² = 0; g < 0 →
  sv² = σ2², g = 0; sv² ≤ 1e−10 → 1e−10;
* num += Σ log10(1 + g²σ1²/(sv²+σn²)), den += Σ log10(1 + σ1²/σn²),
  σn² = 2.

VIF = num/den over all scales (NaN → 1). Window moments are formed in
float32 tile by tile (about 48 x 48 outputs), each tile shifted by the
rounded mean of its pixels (variances and covariances do not change,
cancellation in E[x²]−E[x]² shrinks); on CPU a tile's two 1-D passes are
products with banded matrices (GEMM, faster than a depthwise convolution
at this size). The log terms are summed as logs of products of 4 factors
(a product is far cheaper than a log), in float64 across tiles; the
fixture values are matched to ~2e-6 relative (a float64 evaluation of
the definition to ~3e-6). Images too small for
the four scales give NaN.
"""
import functools
import math
from typing import Tuple

import torch
import torch.nn.functional as F
from torch import Tensor

from ._filters import band_filter, separable_filter
from ._utils import as_image_batch, as_triple, nan_like_batch, sum64
from .ssim import reduce_sources

SIGMA_NSQ = 2.0
_TINY = 1e-10
_LN10 = math.log(10.0)


def gaussian_window_1d(size: int, device=None, dtype=torch.float32) -> Tensor:
    r"""1-D factor of MATLAB's ``fspecial('gaussian', N, N/5)``.

    .. math::
        w_k = \frac{e^{-k^2/(2\sigma^2)}}{\sum_j e^{-j^2/(2\sigma^2)}},\quad
        k = -\tfrac{N-1}{2}..\tfrac{N-1}{2},\ \sigma = N/5

    The weights are rounded to multiples of 2^-27 (exact in float32) with
    the centre weight absorbing the remainder, so that they sum to exactly 1:
    with weights summing to 1+ε the local variance of a flat patch of value
    v would come out as −εv² instead of 0.
    """
    return _gaussian_window_1d(size, dtype, str(device or 'cpu'))


@functools.lru_cache(maxsize=None)
def _gaussian_window_1d(size: int,
                        dtype=torch.float64,
                        device: str = 'cpu') -> Tensor:
    """float64 CPU weights of :func:`gaussian_window_1d` (cached)."""
    sigma = size / 5.0
    k = torch.arange(size, dtype=torch.float64) - (size - 1) / 2.0
    g = torch.exp(-(k * k) / (2.0 * sigma * sigma))
    # fspecial zeroes 2-D entries below eps*max: the smallest 2-D entry here
    # is exp(-25 (N-1)^2 / (4 N^2)) > 1.9e-3 of the max, so nothing is cut.
    g = g / g.sum()
    q = torch.round(g * 2.0**27)
    mid = (size - 1) // 2
    q[mid] = 2.0**27 - (q.sum() - q[mid])
    return (q / 2.0**27).to(device=device, dtype=dtype)


TILE = 48  # target tile width (outputs)
TILE_H = 48  # target tile height (outputs)
# bytes of the moment maps of one block of tiles on CPU (see row_blocks);
# larger than CPU_BLOCK_BYTES so that a whole tile row of scale 1 fits
VIF_BLOCK_BYTES = 2**21


def _vif_factors(m: Tensor, r: int, sigma_nsq: float, out: Tensor) -> None:
    """Per-pixel arguments ``1 + x`` of the vifp log terms.

    The reference's branch rules reduce to: the numerator term is
    ``ln(1 + g²σ1²/(max(sv², 1e-10) + σn²))`` where σ1² ≥ 1e-10, σ2² ≥ 1e-10
    and g > 0, and 0 elsewhere (each rule sets g = 0 or σ1² = 0); the
    denominator term is ``ln(1 + σ1²/σn²)`` with σ1² < 1e-10 counted as 0.
    Here the masks are applied arithmetically (``torch.where`` is several
    times slower than a multiply on CPU): g ≤ 0 via clamping σ12 at 0
    (then g = 0 and sv² = σ2², as the rule says), σ1²/σ2² < 1e-10 via a 0/1
    factor ``min(σ1², σ2²) ≥ 1e-10``. The negative-variance rule needs no
    clamp of its own: a negative σ1² or σ2² is below 1e-10 (numerator 0),
    and the denominator uses max(σ1², 1e-10), which changes den by less
    than 5e-11 per pixel where σ1² < 1e-10.

    Args:
        m: Filtered maps (N, 3r+2, h, w): E[ref] (r), E[d], E[ref²] (r),
            E[d²], E[ref·d] (r). Modified in place.
        out: (N, 2r, h, w) receives ``1 + g²σ1²/(sv² + σn²)`` (0 where a
            rule applies) in ``[:, :r]`` and ``1 + σ1²/σn²`` in ``[:, r:]``.
    """
    mu1 = m[:, :r]
    mu2 = m[:, r:r + 1]
    # σ1², σ2² (adjacent maps: one pass), then σ12 ≥ 0
    s12_ = m[:, r + 1:2 * r + 2].sub_(m[:, :r + 1].square())
    s1, s2 = s12_[:, :r], s12_[:, r:]
    s12 = m[:, 2 * r + 2:].sub_(mu1 * mu2).clamp_(min=0)
    s1c = s1.clamp(min=_TINY)
    # t = g*s12 = g^2*s1 with g = s12/s1;  sv = s2 - g*s12 = s2 - t
    t = out[:, :r]
    torch.mul(s12, s12, out=t).div_(s1c)
    sv = torch.sub(s2, t).clamp_(min=_TINY).add_(sigma_nsq)
    valid = torch.minimum(s1, s2)
    torch.ge(valid, _TINY, out=valid)
    t.div_(sv).mul_(valid).add_(1.0)
    torch.div(s1c, sigma_nsq, out=out[:, r:]).add_(1.0)


def _log_sum(factors: Tensor, dims: Tuple[int, ...]) -> Tensor:
    r"""float64 sums over ``dims`` of ``ln(factors)``, 4 factors per log.

    .. math::
        \sum_p \ln f_p = \sum_q \ln \prod_{p \in q} f_p

    over groups q of 4 elements of the last dim (which must be a multiple
    of 4): a product costs a tenth of a ``log`` on CPU. The factors are
    1 ≤ f ≤ 1 + var/σn² < 2^14 on the 0..255 scale (the numerator's
    g²σ1² ≤ σ2² by Cauchy–Schwarz; where rounding breaks that, σ1² ≥ 1e-10
    still bounds it by ~1e6), so the float32 products cannot overflow; for
    pathological inputs a product is capped at the float32 maximum (a log
    term of ~22 per factor) instead of becoming inf. The rounding of the
    products (3 ulp) adds ~1e-7 absolute per group, unbiased — far below
    the float32 error of the moments.

    Args:
        factors: float tensor (..., w), w a multiple of 4, values ≥ 1.
        dims: Dims to sum over; must include the last.
    """
    h = factors.shape[-1] // 2
    p = factors[..., :h] * factors[..., h:]
    q = p[..., :h // 2] * p[..., h // 2:]
    q.clamp_(max=torch.finfo(q.dtype).max)
    return sum64(q.log_(), dims)


def _vif_scale(x: Tensor, r: int, win: Tensor,
               sigma_nsq: float) -> Tuple[Tensor, Tensor]:
    """vifp num/den sums of one scale for ``x`` = [refs (r), dist].

    The 'valid' output is covered by a grid of equal tiles of about
    TILE_H x TILE outputs, the width a multiple of 4 (the image is extended
    by replication to the grid; factors outside the 'valid' output are set
    to 1, ln 1 = 0). Each tile (with its window halo) is shifted by the
    integer nearest to the mean of its core (the pixels at its outputs'
    positions) before the moments are formed: E[x²]−E[x]² is invariant to
    the shift, and with values near 0 its float32 cancellation error drops
    by orders of magnitude (fixture VIF: 2e-5 → 2e-6 relative error). On
    CPU the tiles are filtered with banded matrix products
    (:func:`band_filter`: for 64 x 64 tiles and N = 17, GEMM does the 2 x 64
    multiply-adds per output faster than oneDNN's depthwise convolution
    does its 2 x 17), in blocks of whole tile rows of about
    VIF_BLOCK_BYTES; on other devices with :func:`separable_filter` (cuDNN,
    TF32 off; a TF32 matmul would lose the precision the shift buys), all
    tiles at once.

    Returns:
        float64 (B, r) sums of the log10 terms.
    """
    n_img, c, h, w = x.shape
    n = win.numel()
    ho, wo = h - n + 1, w - n + 1
    ntx, nty = -(-wo // TILE), -(-ho // TILE_H)
    tw = (-(-wo // ntx) + 3) // 4 * 4  # a multiple of 4 for _log_sum
    ntx, th = -(-wo // tw), -(-ho // nty)
    last_w, last_h = wo - (ntx - 1) * tw, ho - (nty - 1) * th
    tl, thl = tw + n - 1, th + n - 1
    if ntx * tw > wo or nty * th > ho:
        x = F.pad(x, (0, ntx * tw - wo, 0, nty * th - ho), mode='replicate')
    # (B, nty, ntx, C, thl, tl) view of the overlapping tiles
    tiles = x.unfold(2, thl, th).unfold(3, tl, tw).permute(0, 2, 3, 1, 4, 5)
    # per-tile shift: the rounded mean of the tile's core (the pixels at
    # its outputs' positions), (B, nty, ntx, C); row sums first: avg_pool2d
    # with a large window is ~4x slower
    shift = x[:, :, :nty * th].reshape(n_img, c, nty, th, -1).sum(3)
    shift = shift[..., :ntx * tw].reshape(n_img, c, nty, ntx, tw).sum(4)
    shift = shift.div_(th * tw).round_().permute(0, 2, 3, 1)
    cpu = x.device.type == 'cpu'
    window_filter = band_filter if cpu else separable_filter
    row_bytes = n_img * ntx * (3 * r + 2) * thl * tl * x.element_size()
    rows = max(1, VIF_BLOCK_BYTES // row_bytes) if cpu else nty
    total = torch.zeros(n_img, 2 * r, dtype=torch.float64, device=x.device)
    for y0 in range(0, nty, rows):
        src = tiles[:, y0:y0 + rows]
        k = src.shape[1]
        maps = torch.empty(
            n_img * k * ntx,
            3 * r + 2,
            thl,
            tl,
            dtype=x.dtype,
            device=x.device)
        base = maps[:, :c]
        torch.sub(
            src,
            shift[:, y0:y0 + k, :, :, None, None],
            out=base.view(src.shape))
        ref, d = base[:, :r], base[:, r:]
        torch.mul(ref, ref, out=maps[:, c:c + r])
        torch.mul(d, d, out=maps[:, c + r:c + r + 1])
        torch.mul(ref, d, out=maps[:, c + r + 1:])
        terms = torch.empty(
            n_img * k * ntx, 2 * r, th, tw, dtype=x.dtype, device=x.device)
        _vif_factors(window_filter(maps, win), r, sigma_nsq, terms)
        terms = terms.view(n_img, k, ntx, 2 * r, th, tw)
        if last_w < tw:  # outside the 'valid' output: ln 1 = 0
            terms[:, :, -1, :, :, last_w:] = 1.0
        if last_h < th and y0 + k == nty:
            terms[:, -1, :, :, last_h:] = 1.0
        total += _log_sum(terms, (1, 2, 4, 5))
    total /= _LN10
    return total[:, :r], total[:, r:]


def _vif_num_den(refs: Tensor,
                 dist: Tensor,
                 sigma_nsq: float = SIGMA_NSQ) -> Tuple[Tensor, Tensor]:
    """num and den of vifp for each reference channel against ``dist``.

    Args:
        refs: (B, R, H, W) float32 reference images.
        dist: (B, 1, H, W) float32 distorted (fused) image.

    Returns:
        float64 (B, R) numerators and denominators; NaN if too small.
    """
    n_img, r = refs.shape[:2]
    if refs.device.type == 'cpu' and n_img > 1:
        parts = [
            _vif_num_den(refs[i:i + 1], dist[i:i + 1], sigma_nsq)
            for i in range(n_img)
        ]
        return (torch.cat([p[0]
                           for p in parts]), torch.cat([p[1] for p in parts]))
    x = torch.cat([refs, dist], dim=1)
    num = torch.zeros(n_img, r, dtype=torch.float64, device=refs.device)
    den = torch.zeros_like(num)
    for scale in range(1, 5):
        n = 2**(5 - scale) + 1
        win = gaussian_window_1d(n, x.device, x.dtype)
        if scale > 1:
            if min(x.shape[-2:]) < n:
                return num + math.nan, den + math.nan
            # NHWC is ~2x faster for this 3-channel strided filter on CPU
            x = separable_filter(
                x, win, stride=2, channels_last=x.device.type == 'cpu')
        if min(x.shape[-2:]) < n:
            return num + math.nan, den + math.nan
        s_num, s_den = _vif_scale(x, r, win, sigma_nsq)
        num += s_num
        den += s_den
    return num, den


def _ratio(num: Tensor, den: Tensor) -> Tensor:
    v = num / den
    return torch.where(
        torch.isnan(v) & ~torch.isnan(num + den), torch.ones_like(v), v)


def vif(ref: Tensor, dist: Tensor) -> Tensor:
    r"""Multiscale pixel-domain VIF of ``dist`` against ``ref``.

    .. math::
        VIF = \frac{\sum_{s}\sum_{p}\log_{10}\!\big(1 + g^2\sigma_1^2 /
              (s_v^2 + \sigma_n^2)\big)}
             {\sum_{s}\sum_{p}\log_{10}\!\big(1 + \sigma_1^2/\sigma_n^2\big)}

    Args:
        ref: Reference images (B, 1, H, W), 0..255.
        dist: Distorted images (B, 1, H, W).

    Returns:
        float64 tensor (B,): 1 where num/den is 0/0 (flat reference), NaN
        where the image is too small for four scales (about 41 x 41).
    """
    ref = as_image_batch(ref, 'ref')
    dist = as_image_batch(dist, 'dist')
    if ref.shape != dist.shape:
        raise ValueError(f'shape mismatch: {tuple(ref.shape)} vs '
                         f'{tuple(dist.shape)}')
    num, den = _vif_num_den(ref, dist)
    return _ratio(num, den)[:, 0]


def fusion_vif_per_source(fused: Tensor, ir: Tensor, vis: Tensor) -> Tensor:
    """``[VIF(A→F), VIF(B→F)]`` as float64 (B, 2), one filtering pass."""
    f, a, b = as_triple(fused, ir, vis)
    if min(f.shape[-2:]) < 17:
        return nan_like_batch(f)[:, None].expand(-1, 2)
    num, den = _vif_num_den(torch.cat([a, b], dim=1), f)
    return _ratio(num, den)


def fusion_vif(fused: Tensor,
               ir: Tensor,
               vis: Tensor,
               reduction: str = 'sum') -> Tensor:
    r"""VIF of the fused image with each source as reference, summed.

    .. math::
        VIF = VIF(A \to F) + VIF(B \to F)

    Args:
        reduction: ``'sum'`` (default, about 0..2) or ``'mean'``.

    Returns:
        float64 tensor (B,).
    """
    return reduce_sources(fusion_vif_per_source(fused, ir, vis), reduction)
