"""Qabf: Xydeas & Petrović edge-preservation metric (Electronics Letters,
2000), with the constants of the common toolkits (Tg 0.9994, kg −15,
Dg 0.5, Ta 0.9879, ka −22, Da 0.8).

Sobel responses are same-size with zero padding. A true convolution (as
MATLAB ``conv2`` / ``scipy.signal.convolve2d`` do) flips both kernels, which
negates sx and sy together; g and sy/sx — all the metric uses — do not
change, so the cross-correlation computed here (separably, with shifted
slices: exact for integer images) gives the same result.

Where g_X = g_F the strength-preservation ratio is taken as **g_F** (the
widely copied Python implementation does this; ``equal_rule='one'`` uses 1,
the value of the ratio's limit). The fixture README quotes a difference of
at most 3e−4 relative between the two.
"""
import math

import torch
import torch.nn.functional as F
from torch import Tensor

from ...utils.petrovic_constants import D_A, D_G, K_A, K_G, T_A, T_G
from ._filters import row_blocks
from ._utils import as_triple, sum64

EQUAL_RULES = ('gF', 'one')


def qabf(fused: Tensor,
         ir: Tensor,
         vis: Tensor,
         equal_rule: str = 'gF') -> Tensor:
    r"""Qabf edge-information transfer from both sources to F.

    .. math::
        G_{XF} = \begin{cases} g_F/g_X & g_X > g_F\\ g_X/g_F & g_X < g_F\\
                 g_F & g_X = g_F\end{cases},\qquad
        A_{XF} = 1 - \frac{|\alpha_X - \alpha_F|}{\pi/2}

        Q_{XF} = \frac{T_g}{1+e^{k_g(G_{XF}-D_g)}}\cdot
                 \frac{T_a}{1+e^{k_a(A_{XF}-D_a)}},\qquad
        Q^{AB/F} = \frac{\sum (Q_{AF}\,g_A + Q_{BF}\,g_B)}{\sum (g_A + g_B)}

    Args:
        fused, ir, vis: (B, 1, H, W) grey images (0..255).
        equal_rule: ``'gF'`` (default) or ``'one'`` for G where g_X = g_F.

    Returns:
        float64 tensor (B,); NaN if neither source has any edge.
    """
    if equal_rule not in EQUAL_RULES:
        raise ValueError(f'equal_rule must be one of {EQUAL_RULES}, '
                         f'got {equal_rule!r}')
    f, a, b = as_triple(fused, ir, vis)
    n_img, _, h, w = f.shape
    x = F.pad(torch.cat([a, b, f], dim=1), (1, 1, 1, 1))  # zero padding
    num = torch.zeros(n_img, dtype=torch.float64, device=f.device)
    den = torch.zeros_like(num)
    for y0, y1 in row_blocks(h, n_img * 3 * (w + 2) * 4, f.device):
        g, alpha = _sobel_block(x[:, :, y0:y1 + 2])
        g_x, g_f = g[:, :2], g[:, 2:]
        a_x, a_f = alpha[:, :2], alpha[:, 2:]
        # G = min/max of the strengths (1 where equal and > 0); the 'gF'
        # rule replaces that 1 by g_F. Where both are 0 the value does not
        # matter (weight g_X = 0) but must be finite: hence the +1e-30.
        ratio = torch.minimum(g_x,
                              g_f).div_(torch.maximum(g_x, g_f).add_(1e-30))
        if equal_rule == 'gF':  # 0/1 as float: a bool factor costs a copy
            equal = torch.eq(g_x, g_f, out=torch.empty_like(ratio))
            ratio.addcmul_(equal, g_f - 1.0)
        # Q_g / Tg = 1 / (1 + exp(kg (G - Dg))) = sigmoid(-kg (G - Dg))
        q = ratio.mul_(-K_G).add_(K_G * D_G).sigmoid_()
        # A = 1 - |da| 2/pi, Q_a / Ta = sigmoid(-ka (A - Da))
        #                            = sigmoid(-ka (1 - Da) + ka (2/pi) |da|)
        ang = a_x.sub(a_f).abs_().mul_(K_A * 2.0 / math.pi).add_(-K_A *
                                                                 (1.0 - D_A))
        q.mul_(ang.sigmoid_())
        num += sum64(q.mul_(g_x), (1, 2, 3))
        den += sum64(g_x, (1, 2, 3))
    return (T_G * T_A) * num / den


def sobel_responses(xp: Tensor):
    """Unnormalised 3x3 Sobel responses ``(sx, sy)`` of a padded block
    (B, C, h+2, w+2), each (B, C, h, w).

    Separable and exact for integer images: sx = V[:, j+1] - V[:, j-1] with
    V the vertical [1, 2, 1] smoothing, sy = H[i-1] - H[i+1] with H the
    horizontal one — the same values as the 3x3 correlation with the
    kernels above (and a depthwise conv with two outputs per group is slow
    in oneDNN).
    """
    v = xp[:, :, 1:-1] * 2
    v.add_(xp[:, :, :-2]).add_(xp[:, :, 2:])
    sx = v[..., 2:] - v[..., :-2]
    hz = xp[..., 1:-1] * 2
    hz.add_(xp[..., :-2]).add_(xp[..., 2:])
    sy = hz[:, :, :-2] - hz[:, :, 2:]
    return sx, sy


def _sobel_block(xp: Tensor):
    """Sobel g and alpha of a zero-padded block (B, C, h+2, w+2)."""
    sx, sy = sobel_responses(xp)
    g = torch.addcmul(sx * sx, sy, sy).sqrt_()
    # sy/sx is +-inf or NaN exactly where sx == 0; mapping those to +inf
    # gives atan = pi/2 there, as the rule says (cheaper than a mask).
    q = torch.nan_to_num_(
        sy.div_(sx), nan=math.inf, posinf=math.inf, neginf=math.inf)
    return g, q.atan_()
