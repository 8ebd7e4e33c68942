r"""Float64 filters compiled with Numba, for maps in CPU memory (PyTorch
has no fast float64 convolution on CPU).

* :func:`separable_valid`, the separable 'valid' filter of
  :func:`._filters.shifted_filter`,

  .. math::
      y_{i,j} = \sum_v k_v \sum_u k_u\, x_{i+u,\, j+v},

  the same sums in the same order as the PyTorch version, one output row at
  a time: the row's vertical sums stay in cache instead of 2n passes over
  whole-image temporaries (the PyTorch version is memory-bound on CPU);
* :func:`filtered_products`, the same filter of maps and of products of
  them, the products formed as the rows are read;
* :func:`local_statistics`, the same filter of x, y, x², y² and xy at
  once, the products formed as the rows are read, and which windows are
  flat (SSIM-type local statistics,
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
def _product_rows(maps, pairs, kernel, out):
    """maps (N, M, H, W), pairs (P, 2), out (N, M + P, H-n+1, W-n+1): the
    filtered maps, then the filtered products of the pairs' maps, each
    summed in :func:`_filter_rows`' order."""
    n = kernel.size
    n_maps = maps.shape[1]
    width = maps.shape[3]
    rows = np.empty((out.shape[1], width))
    for c in range(maps.shape[0]):
        for i in range(out.shape[2]):
            rows[:] = 0.0
            for u in range(n):
                k = kernel[u]
                for m in range(n_maps):
                    for j in range(width):
                        rows[m, j] += maps[c, m, i + u, j] * k
                for p in range(pairs.shape[0]):
                    a, b = pairs[p, 0], pairs[p, 1]
                    for j in range(width):
                        rows[n_maps + p, j] += (
                            maps[c, a, i + u, j] * maps[c, b, i + u, j] * k)
            for m in range(out.shape[1]):
                _filter_row(rows[m], kernel, out[c, m, i])


def filtered_products(maps: np.ndarray, pairs: np.ndarray,
                      kernel: np.ndarray) -> np.ndarray:
    """The 'valid' separable filter (kernel ⊗ kernel) of the maps
    (N, M, H, W) and of the products maps[:, a]·maps[:, b] of the pairs
    (P, 2): (N, M + P, H-n+1, W-n+1), the products formed as the rows are
    read."""
    n = kernel.size
    maps = np.ascontiguousarray(maps)
    out = np.empty((maps.shape[0], maps.shape[1] + len(pairs),
                    maps.shape[2] - n + 1, maps.shape[3] - n + 1), maps.dtype)
    _product_rows(maps,
                  np.asarray(pairs, np.int64).reshape(-1, 2),
                  np.ascontiguousarray(kernel, dtype=maps.dtype), out)
    return out


@njit(cache=True, error_model='numpy')
def _centre(moments, flat):
    """In place: moments (5, ...) = (μ_x, μ_y, E[x²], E[y²], E[xy]) become
    (μ_x, μ_y, σ_x², σ_y², σ_xy), exactly 0 where flat (2, ...) marks x's
    or y's window flat. A function of its own, called from Python and
    without ``contract``, so that no multiply-add is fused: the same
    rounding as the PyTorch version."""
    mu_x, mu_y = moments[0].ravel(), moments[1].ravel()
    var_x, var_y = moments[2].ravel(), moments[3].ravel()
    cov = moments[4].ravel()
    flat_x, flat_y = flat[0].ravel(), flat[1].ravel()
    for i in range(mu_x.size):
        var_x[i] = 0.0 if flat_x[i] else var_x[i] - mu_x[i] * mu_x[i]
        var_y[i] = 0.0 if flat_y[i] else var_y[i] - mu_y[i] * mu_y[i]
        cov[i] = 0.0 if flat_x[i] or flat_y[i] else cov[i] - mu_x[i] * mu_y[i]


@njit(cache=True, error_model='numpy', inline='always')
def _window_flat(x, i, j, n):
    """Whether the n x n window of x (H, W) at (i, j) is constant."""
    first = x[i, j]
    for u in range(n):
        for v in range(n):
            if x[i + u, j + v] != first:
                return False
    return True


@njit(cache=True, fastmath={'contract'}, error_model='numpy')
def _statistic_rows(x, y, kernel, out, flat):
    """x, y (N, H, W), out (5, N, H-n+1, W-n+1): the filtered x, y, x², y²
    and xy (summed in :func:`_filter_rows`' order); flat (2, N, H-n+1,
    W-n+1): whether x's, y's window is constant. With K = (Σ kernel)²,
    the weights' total, only windows whose K·E[x²] − E[x]² is within
    1e-10·K·E[x²] of 0 are scanned (for a constant window both terms are
    c²K², equal up to rounding, ~2n·2⁻⁵² relative)."""
    n = kernel.size
    width = x.shape[2]
    total = kernel.sum()**2
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
            for j in range(out.shape[3]):
                for s in range(2):
                    mean = out[s, c, i, j]
                    square = out[2 + s, c, i, j] * total
                    flat[s, c, i, j] = (
                        abs(square - mean * mean) <= 1e-10 * abs(square)
                        and _window_flat(x[c] if s == 0 else y[c], i, j, n))


def local_statistics(x: np.ndarray, y: np.ndarray,
                     kernel: np.ndarray) -> tuple:
    r"""SSIM-type local statistics of maps x, y of one shape (..., H, W)
    in windows kernel ⊗ kernel, 'valid': five (..., H-n+1, W-n+1) arrays
    :math:`\mu_x, \mu_y, \sigma_x^2, \sigma_y^2, \sigma_{xy}`, the
    (co)variances exactly 0 in windows where x (or y) is flat."""
    shape = x.shape[:-2]
    x, y = (np.ascontiguousarray(t).reshape(-1, *t.shape[-2:]) for t in (x, y))
    n = kernel.size
    out = np.empty((5, x.shape[0], x.shape[1] - n + 1, x.shape[2] - n + 1),
                   x.dtype)
    flat = np.empty((2, *out.shape[1:]), np.bool_)
    _statistic_rows(x, y, np.ascontiguousarray(kernel, dtype=x.dtype), out,
                    flat)
    _centre(out, flat)
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
