r"""The SSIM quotient of :func:`.structural.ssim_map` compiled with Numba,
for float64 statistics in CPU memory: one pass instead of twelve
whole-image PyTorch operations (each a pass over memory), with the same
operations in the same order (no fused multiply-adds), so the same
rounding.
"""
from numba import njit


@njit(cache=True, error_model='numpy')
def ssim_quotient(mu_x, mu_y, var_x, var_y, cov, c1, c2, out):
    """out = (2 μx μy + C1)(2 σxy + C2) / ((μx² + μy² + C1)(σx² + σy² +
    C2)), elementwise over contiguous arrays of one shape."""
    mu_x, mu_y, out_flat = mu_x.ravel(), mu_y.ravel(), out.ravel()
    var_x, var_y, cov = var_x.ravel(), var_y.ravel(), cov.ravel()
    for i in range(out_flat.size):
        mx, my = mu_x[i], mu_y[i]
        out_flat[i] = ((2 * mx * my + c1) *
                       (2 * cov[i] + c2)) / ((mx * mx + my * my + c1) *
                                             (var_x[i] + var_y[i] + c2))
