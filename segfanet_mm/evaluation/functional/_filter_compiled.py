r"""Float64 filters compiled with Numba, for maps in CPU memory (PyTorch
has no fast float64 convolution on CPU).

* :func:`separable_valid`, the separable 'valid' filter of
  :func:`._filters.shifted_filter`,

  .. math::
      y_{i,j} = \sum_v k_v \sum_u k_u\, x_{i+u,\, j+v},

  the same sums in the same order as the PyTorch version, one output row at
  a time: the row's vertical sums stay in cache instead of 2n passes over
  whole-image temporaries (the PyTorch version is memory-bound on CPU);
* :func:`local_moments`, the same filter of x, y, x², y² and xy at once,
  the products formed as the rows are read (SSIM-type local statistics,
  :func:`.structural.local_stats`);
* :func:`decimated_pair`, the analysis step of a one-level wavelet
  transform along the last dim (:func:`.transforms.dwt2_dmey`).
"""
import numpy as np
from numba import njit


@njit(cache=True, fastmath={'contract'}, error_model='numpy', inline='always')
def _filter_row(rows, kernel, out):
    """The horizontal pass: out[j] = Σ_v kernel[v]·rows[j + v], 'valid'."""
    for j in range(out.size):
        out[j] = rows[j] * kernel[0]
    for v in range(1, kernel.size):
        for j in range(out.size):
            out[j] += rows[j + v] * kernel[v]


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
            _filter_row(rows, kernel, out[c, i])


def separable_valid(x: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Filter each (H, W) map of x (..., H, W) with kernel ⊗ kernel, 'valid'
    part: (..., H-n+1, W-n+1), dtype of x."""
    n = kernel.size
    maps = np.ascontiguousarray(x).reshape(-1, *x.shape[-2:])
    out = np.empty((maps.shape[0], x.shape[-2] - n + 1, x.shape[-1] - n + 1),
                   x.dtype)
    _filter_rows(maps, np.ascontiguousarray(kernel, dtype=x.dtype), out)
    return out.reshape(*x.shape[:-2], *out.shape[-2:])


@njit(cache=True, fastmath={'contract'}, error_model='numpy')
def _moment_rows(x, y, kernel, out):
    """x, y (N, H, W), out (5, N, H-n+1, W-n+1): the filtered x, y, x², y²,
    xy, each summed in :func:`_filter_rows`' order."""
    n = kernel.size
    width = x.shape[2]
    rows = np.empty((5, width))
    for c in range(x.shape[0]):
        for i in range(out.shape[2]):
            rows[:] = 0.0
            for u in range(n):
                k = kernel[u]
                for j in range(width):
                    a = x[c, i + u, j]
                    b = y[c, i + u, j]
                    rows[0, j] += a * k
                    rows[1, j] += b * k
                    rows[2, j] += a * a * k
                    rows[3, j] += b * b * k
                    rows[4, j] += a * b * k
            for m in range(5):
                _filter_row(rows[m], kernel, out[m, c, i])


def local_moments(x: np.ndarray, y: np.ndarray, kernel: np.ndarray) -> tuple:
    """The 'valid' separable filter (kernel ⊗ kernel) of x, y, x², y² and
    xy for maps x, y of one shape (..., H, W): five (..., H-n+1, W-n+1)
    arrays."""
    shape = x.shape[:-2]
    x, y = (np.ascontiguousarray(t).reshape(-1, *t.shape[-2:]) for t in (x, y))
    n = kernel.size
    out = np.empty((5, x.shape[0], x.shape[1] - n + 1, x.shape[2] - n + 1),
                   x.dtype)
    _moment_rows(x, y, np.ascontiguousarray(kernel, dtype=x.dtype), out)
    return tuple(m.reshape(*shape, *m.shape[-2:]) for m in out)


@njit(cache=True, fastmath={'contract', 'reassoc'}, error_model='numpy')
def _correlate_odd(x, low, high, out_low, out_high):
    """out[r, m] = Σ_t x[r, 1 + 2m + t] · k[t] for k = low, high."""
    for r in range(x.shape[0]):
        for m in range(out_low.shape[1]):
            lo = hi = 0.0
            for t in range(low.size):
                v = x[r, 1 + 2 * m + t]
                lo += v * low[t]
                hi += v * high[t]
            out_low[r, m] = lo
            out_high[r, m] = hi


def decimated_pair(x: np.ndarray, low: np.ndarray, high: np.ndarray) -> tuple:
    r"""Correlations of x (..., N) with the filters low and high (L taps),
    'valid', at every second position from the second:

    .. math::
        y_m = \sum_t x_{1 + 2m + t}\, k_t,\quad
        m < \lfloor (N - L + 1) / 2 \rfloor
    """
    rows = np.ascontiguousarray(x, dtype=np.float64).reshape(-1, x.shape[-1])
    size = (x.shape[-1] - low.size + 1) // 2
    out = np.empty((2, rows.shape[0], size))
    _correlate_odd(rows, np.ascontiguousarray(low, dtype=np.float64),
                   np.ascontiguousarray(high, dtype=np.float64), out[0],
                   out[1])
    return tuple(o.reshape(*x.shape[:-1], size) for o in out)
