"""Edge-transfer metrics of the Petrović family beyond Qabf: Liu's Qg and
Kumar's fusion-artifact measure Nabf.

Both compare Sobel edge strength g and orientation α of each source with
F's, per pixel, through sigmoids. Unlike Qabf they measure the orientation
agreement as the angle between edge *lines* (α modulo π):

.. math::
    A_{XF} = \\Big|\\,|\\alpha_X - \\alpha_F| - \\tfrac{\\pi}{2}\\Big|
             \\,\\frac{2}{\\pi}

which is 1 for parallel and 0 for perpendicular edges whatever the sign
convention of the Sobel kernels (convolution or correlation, y up or down).
Sobel responses are integer sums for 8-bit images, exact in float32.
"""
import math

import torch
import torch.nn.functional as F
from torch import Tensor

from ._utils import as_triple, sum64
from .qabf import sobel_responses

NABF_CALL_ORDERS = ('paper', 'tang')


def _line_agreement(alpha_x: Tensor, alpha_f: Tensor) -> Tensor:
    """A_XF above: 1 − (angle between the edge lines)/(π/2)."""
    return ((alpha_x - alpha_f).abs() - math.pi / 2).abs() * (2 / math.pi)


def nabf(fused: Tensor,
         ir: Tensor,
         vis: Tensor,
         call_order: str = 'paper') -> Tensor:
    r"""Nabf: Kumar's modified fusion-artifact measure (Shreyamsha Kumar,
    SIVP 2013; Tang's ``analysis_nabf``).

    With Sobel/8 responses on mirror-extended images (reflect, edge not
    repeated), g = |∇|, G_XF = min(g_X, g_F)/max(g_X, g_F) (0 where either
    is 0) and the line agreement A_XF:

    .. math::
        Q_{XF} = \sqrt{\frac{0.9999}{1 + e^{-19(G_{XF} - 0.5)}}
                 \cdot\frac{0.9995}{1 + e^{-22(A_{XF} - 0.5)}}},\quad
        w_X = \begin{cases} g_X^{1.5} & g_X \ge 2\\ 0.001 & \text{else}
              \end{cases}

        N_{abf} = \frac{\sum [g_F > g_A,\ g_F > g_B]\,
                  \big((1 - Q_{AF}) w_A + (1 - Q_{BF}) w_B\big)}
                  {\sum (w_A + w_B)}

    i.e. the edge information of F that is stronger than in both sources
    and not explained by them. **Lower is better**; 0..1.

    Args:
        fused, ir, vis: (B, 1, H, W) grey images on 0..255, H, W >= 2.
        call_order: ``'paper'`` (default) or ``'tang'``: Tang's
            ``analysis_Reference.m`` calls ``analysis_nabf(IR, VIS, F)``,
            i.e. treats the IR image as the fused one; ``'tang'`` does the
            same, to reproduce tables made with that script.

    Returns:
        float64 tensor (B,); defined for every input (the weights are at
        least 0.001).
    """
    if call_order not in NABF_CALL_ORDERS:
        raise ValueError(f'call_order must be one of {NABF_CALL_ORDERS}, '
                         f'got {call_order!r}')
    f, a, b = as_triple(fused, ir, vis)
    if call_order == 'tang':
        f, a, b = a, b, f
    x = F.pad(torch.cat([a, b, f], 1), (1, 1, 1, 1), mode='reflect')
    sx, sy = sobel_responses(x)
    s2 = torch.addcmul(sx * sx, sy, sy)  # (8 g)², exact for 8-bit images
    # orientation α = atan(sy/sx), π/2 where sx = 0 (also where g = 0:
    # the toolbox's 0 for atan(gv/gh) in its transposed frame, same lines)
    alpha = torch.nan_to_num_(
        sy / sx, nan=math.inf, posinf=math.inf, neginf=math.inf).atan_()
    s2_x, s2_f = s2[:, :2], s2[:, 2:]
    ratio = torch.minimum(s2_x, s2_f) / torch.maximum(s2_x, s2_f)
    g_ratio = torch.nan_to_num_(ratio, nan=0.0).sqrt_()
    q_g = 0.9999 * torch.sigmoid(19.0 * (g_ratio - 0.5))
    q_a = 0.9995 * torch.sigmoid(
        22.0 * (_line_agreement(alpha[:, :2], alpha[:, 2:]) - 0.5))
    q = torch.sqrt(q_g * q_a)
    # g ≥ 2 ⇔ (8g)² ≥ 256;  g^1.5 = ((8g)²/64)^0.75
    w = torch.where(s2_x >= 256, (s2_x / 64).pow(0.75), 0.001)
    artifact = (s2_f > s2_x).all(1, keepdim=True)
    num = sum64(((1 - q) * w * artifact).sum(1), (1, 2))
    return num / sum64(w.sum(1), (1, 2))


def qg(fused: Tensor, ir: Tensor, vis: Tensor) -> Tensor:
    r"""Qg: Liu's gradient-based metric (``metricXydeas``, after Xydeas &
    Petrović, Proc. SPIE 4051, 2000), as Liu's toolbox computes it.

    Unnormalised 3x3 Sobel (zero padding), g = |∇|, α = atan(s_y/s_x)
    (s_x = 0 taken as 1e-5), G_XF = g_F/g_X where g_X > g_F, else
    g_X/g_F (zero strengths taken as 1e-5), A_XF the line agreement:

    .. math::
        Q_{XF} = \frac{1}{1 + e^{-10(G_{XF} - 0.5)}}\cdot
                 \frac{1}{1 + e^{-20(A_{XF} - 0.75)}},\qquad
        Q_g = \operatorname{mean}\Big(\frac{Q_{AF}\,g_A + Q_{BF}\,g_B}
              {g_A + g_B}\Big)

    A per-pixel weighted mean with its own constants: **not** Qabf (whose
    sigmoids are 0.9994/−15/0.5, 0.9879/−22/0.8, whose orientation term is
    1 − |Δα|/(π/2) and whose weights are summed over the image). Higher is
    better; 0..1.

    Returns:
        float64 tensor (B,); defined for every input.
    """
    f, a, b = as_triple(fused, ir, vis)
    x = F.pad(torch.cat([a, b, f], 1), (1, 1, 1, 1))
    sx, sy = sobel_responses(x)
    g = torch.addcmul(sx * sx, sy, sy).sqrt_()
    alpha = torch.atan(sy / torch.where(sx == 0, 1e-5, sx))
    # the toolbox replaces zero strengths by 1e-5, F's after the first
    # source's comparison (so the second source compares with the result)
    g_a, g_b, g_f = g[:, :1], g[:, 1:2], g[:, 2:]
    g_f1 = torch.where(g_f == 0, 1e-5, g_f)
    num = 0.0
    den = 0.0
    for g_x, g_fx, alpha_x in ((g_a, g_f, alpha[:, :1]), (g_b, g_f1,
                                                          alpha[:, 1:2])):
        g_x1 = torch.where(g_x == 0, 1e-5, g_x)
        ratio = torch.where(g_x > g_fx, g_fx / g_x1, g_x1 / g_f1)
        q = torch.sigmoid(10.0 * (ratio - 0.5)) * torch.sigmoid(
            20.0 * (_line_agreement(alpha_x, alpha[:, 2:]) - 0.75))
        num = num + q * g_x1
        den = den + g_x1
    return sum64(num / den, (1, 2, 3)) / g_f[0].numel()
