r"""The separable 'valid' filter of :func:`._filters.shifted_filter`
compiled with Numba, for maps in CPU memory.

.. math::
    y_{i,j} = \sum_v k_v \sum_u k_u\, x_{i+u,\, j+v}

The same sums in the same order as the PyTorch version, one output row at a
time: the row's vertical sums stay in cache instead of 2n passes over
whole-image temporaries (the PyTorch version is memory-bound on CPU).
"""
import numpy as np
from numba import njit


@njit(cache=True, fastmath={'contract'}, error_model='numpy')
def _filter_rows(x, kernel, out):
    """x (N, H, W), kernel (n,), out (N, H-n+1, W-n+1), filled."""
    n = kernel.size
    width = x.shape[2]
    rows = np.empty(width, x.dtype)
    for c in range(x.shape[0]):
        for i in range(out.shape[1]):
            for j in range(width):
                rows[j] = x[c, i, j] * kernel[0]
            for u in range(1, n):
                for j in range(width):
                    rows[j] += x[c, i + u, j] * kernel[u]
            for j in range(out.shape[2]):
                out[c, i, j] = rows[j] * kernel[0]
            for v in range(1, n):
                for j in range(out.shape[2]):
                    out[c, i, j] += rows[j + v] * kernel[v]


def separable_valid(x: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Filter each (H, W) map of x (..., H, W) with kernel ⊗ kernel, 'valid'
    part: (..., H-n+1, W-n+1), dtype of x."""
    n = kernel.size
    maps = np.ascontiguousarray(x).reshape(-1, *x.shape[-2:])
    out = np.empty((maps.shape[0], x.shape[-2] - n + 1, x.shape[-1] - n + 1),
                   x.dtype)
    _filter_rows(maps, np.ascontiguousarray(kernel, dtype=x.dtype), out)
    return out.reshape(*x.shape[:-2], *out.shape[-2:])
