r"""The per-pixel arithmetic of Chen–Blum's Qcb (:func:`.hvs.qcb`)
compiled with Numba, for float64 maps in CPU memory: one pass instead of
~20 whole-image PyTorch operations, the same operations in the same order
(no fused multiply-adds) and PyTorch's NaN rules for minimum and maximum,
so the same values.
"""
import math

from numba import njit


@njit(cache=True, error_model='numpy', inline='always')
def _masked_contrast(fine, coarse):
    """C' = C³/(C² + 1e-4) of the contrast C = |fine/coarse − 1|."""
    c = abs(fine / coarse - 1.0)
    return c * c * c / (c * c + 1e-4)


@njit(cache=True, error_model='numpy', inline='always')
def _ratio(x, y):
    """min(x, y)/max(x, y), NaN if either is NaN (as torch.minimum)."""
    if math.isnan(x) or math.isnan(y):
        return math.nan
    return min(x, y) / max(x, y)


@njit(cache=True, error_model='numpy')
def chen_blum_quality(fine, coarse, out):
    """out = (C'_A² Q_AF + C'_B² Q_BF)/(C'_A² + C'_B²) per pixel, with
    Q_XF = min(C'_X, C'_F)/max(C'_X, C'_F), from the CSF-filtered images of
    A, B, F under the σ = 2 (fine (3, ...)) and σ = 4 (coarse (3, ...))
    Gaussians."""
    a_fine, b_fine, f_fine = (fine[0].ravel(), fine[1].ravel(),
                              fine[2].ravel())
    a_coarse, b_coarse, f_coarse = (coarse[0].ravel(), coarse[1].ravel(),
                                    coarse[2].ravel())
    q = out.ravel()
    for i in range(q.size):
        c_a = _masked_contrast(a_fine[i], a_coarse[i])
        c_b = _masked_contrast(b_fine[i], b_coarse[i])
        c_f = _masked_contrast(f_fine[i], f_coarse[i])
        wa, wb = c_a * c_a, c_b * c_b
        q[i] = (wa * _ratio(c_a, c_f) + wb * _ratio(c_b, c_f)) / (wa + wb)
