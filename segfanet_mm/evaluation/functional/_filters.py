"""Separable 'valid' window filters (private): depthwise ``conv2d``, or
products with banded matrices where that is faster (small tiles on CPU)."""
import functools
from typing import Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor


def separable_filter(x: Tensor,
                     kernel: Tensor,
                     stride: int = 1,
                     channels_last: bool = False) -> Tensor:
    r"""Filter every channel with ``kernel ⊗ kernel``, 'valid' part only.

    .. math::
        y_{i,j} = \sum_{u,v} k_u k_v\, x_{s i + u,\, s j + v}

    Two depthwise 1-D convolutions (rows, then columns). With ``stride=2``
    only the outputs at even valid positions are computed — the same as
    filtering 'valid' and keeping rows/columns 0, 2, 4, ...

    Args:
        x: (B, C, H, W) float tensor.
        kernel: 1-D kernel (n,), same dtype/device as ``x``.
        stride: Output decimation (1 or 2).
        channels_last: Run the convolutions in NHWC layout and return a
            contiguous NCHW result (on CPU, oneDNN's strided depthwise
            convolution of a 3-channel image is ~2x faster in NHWC).

    Returns:
        (B, C, (H-n)//stride + 1, (W-n)//stride + 1) tensor.
    """
    c = x.shape[1]
    w_row, w_col = _depthwise_weights(
        tuple(kernel.tolist()), c, x.dtype, str(x.device), channels_last)
    if channels_last:
        x = x.contiguous(memory_format=torch.channels_last)
    x = F.conv2d(x, w_row, stride=(1, stride), groups=c)
    x = F.conv2d(x, w_col, stride=(stride, 1), groups=c)
    return x.contiguous() if channels_last else x


@functools.lru_cache(maxsize=64)
def _depthwise_weights(kernel: tuple, c: int, dtype: torch.dtype, device: str,
                       channels_last: bool):
    """Row and column weights (C, 1, 1, n) and (C, 1, n, 1), cached."""
    n = len(kernel)
    k = torch.tensor(
        kernel, dtype=torch.float64).to(
            device=device, dtype=dtype)
    w_row = k.view(1, 1, 1, n).expand(c, 1, 1, n).contiguous()
    w_col = k.view(1, 1, n, 1).expand(c, 1, n, 1).contiguous()
    if channels_last:
        w_row = w_row.contiguous(memory_format=torch.channels_last)
        w_col = w_col.contiguous(memory_format=torch.channels_last)
    return w_row, w_col


def band_matrix(kernel: Tensor, n_in: int, transposed: bool = False) -> Tensor:
    r"""Banded (Toeplitz) matrix that applies a 1-D 'valid' filter.

    .. math::
        T_{j + u,\, j} = k_u,\qquad (x^\top T)_j = \sum_u k_u\, x_{j + u}

    Args:
        kernel: 1-D kernel (n,); the matrix has its dtype and device.
        n_in: Input length.
        transposed: Return the contiguous transpose ``T^T`` instead.

    Returns:
        (n_in, n_in - n + 1) tensor (or its transpose), cached per kernel,
        size and device: do not modify it.
    """
    return _band_matrix(
        tuple(kernel.tolist()), n_in, transposed, kernel.dtype,
        str(kernel.device))


@functools.lru_cache(maxsize=64)
def _band_matrix(kernel: tuple, n_in: int, transposed: bool,
                 dtype: torch.dtype, device: str) -> Tensor:
    """Cached body of :func:`band_matrix`."""
    n = len(kernel)
    n_out = n_in - n + 1
    t = torch.zeros(n_in, n_out, dtype=torch.float64)
    k = torch.tensor(kernel, dtype=torch.float64)
    for j in range(n_out):
        t[j:j + n, j] = k
    if transposed:
        t = t.T.contiguous()
    return t.to(device=device, dtype=dtype)


def band_filter(x: Tensor, kernel: Tensor) -> Tensor:
    r""":func:`separable_filter` (stride 1) as two banded matrix products.

    .. math::
        Y = T_h^\top X\, T_w

    with :func:`band_matrix` ``T_h`` (H, H−n+1) and ``T_w`` (W, W−n+1):
    one GEMM over all rows of all channels, then one batched product per
    channel. Each output costs about H + W multiply-adds instead of 2n, but
    GEMM runs near peak while oneDNN's depthwise convolution does not: for
    (8, 64, 64) tiles and n = 17 on CPU (one thread) the products were
    10-40% faster. Only worth it for small H and W (the band is mostly
    zeros), and exact only where the convolution is (e.g. integer sums
    below 2^24); on CUDA a TF32 matmul would not be.

    Args:
        x: (B, C, H, W) float tensor.
        kernel: 1-D kernel (n,), same dtype/device as ``x``.

    Returns:
        (B, C, H-n+1, W-n+1) tensor.
    """
    b, c, h, w = x.shape
    t_w = band_matrix(kernel, w)
    t_h = band_matrix(kernel, h, transposed=True)
    rows = torch.matmul(x, t_w)  # one GEMM: (B*C*H, W) @ (W, Wo)
    # (Ho, H) @ (H, Wo) per channel; bmm with the expanded left operand
    # avoids the copy matmul's broadcasting would make of ``rows``.
    out = torch.bmm(t_h.expand(b * c, -1, -1), rows.view(b * c, h, -1))
    return out.view(b, c, out.shape[-2], out.shape[-1])


# On CPU, tensors above a few MiB are mapped and unmapped by glibc on every
# allocation, so each new full-image temporary costs page faults (measured:
# ~4x the cost of the arithmetic at 8 MiB), and a block that stays in the
# L2/L3 cache between the many elementwise passes is faster still. Window
# metrics therefore work through the image in blocks whose largest
# temporary stays near this size (1 MiB was fastest on a 2-core EPYC).
CPU_BLOCK_BYTES = 2**20


def row_blocks(n_rows: int,
               bytes_per_row: int,
               device: torch.device,
               multiple: int = 1) -> list:
    """Split ``range(n_rows)`` into ``(start, stop)`` blocks.

    On CPU each block's largest temporary (``bytes_per_row`` per output row)
    stays near :data:`CPU_BLOCK_BYTES`; on other devices there is one block.
    Block heights are multiples of ``multiple`` (except the last).
    """
    if device.type != 'cpu':
        return [(0, n_rows)]
    rows = max(multiple, CPU_BLOCK_BYTES // max(1, bytes_per_row))
    rows = max(multiple, rows // multiple * multiple)
    return [(s, min(s + rows, n_rows)) for s in range(0, n_rows, rows)]


def shifted_filter(x: Tensor, kernel: Tensor) -> Tensor:
    r""":func:`separable_filter` (stride 1) as sums of shifted slices.

    .. math::
        y_{i,j} = \sum_u k_u \sum_v k_v\, x_{i+u,\, j+v}

    For float64 maps: oneDNN has no float64 convolution and torch's generic
    one is ~10x slower than 2n in-place multiply-adds
    (:func:`_shifted_sums`). On CPU the same sums run compiled, a row at a
    time (:mod:`._filter_compiled`, ~3x faster, equal to the last bit).

    Args:
        x: (B, C, H, W) tensor.
        kernel: 1-D kernel (n,).

    Returns:
        (B, C, H-n+1, W-n+1) tensor, dtype of ``x``.
    """
    if x.device.type != 'cpu':
        return _shifted_sums(x, kernel)
    # Numba loads on first use, not with the package
    from ._filter_compiled import separable_valid
    return torch.from_numpy(
        separable_valid(x.numpy(),
                        kernel.detach().cpu().numpy().reshape(-1)))


def filtered_products(maps: Tensor, pairs: Sequence[Tuple[int, int]],
                      kernel: Tensor) -> Tensor:
    """:func:`shifted_filter` of the channels of ``maps`` (B, M, H, W), then
    of the products ``maps[:, a] * maps[:, b]`` for ``(a, b)`` in
    ``pairs``: (B, M + len(pairs), H-n+1, W-n+1). On CPU the products are
    formed as the rows are read (compiled, no product maps in memory); the
    sums are those of :func:`shifted_filter` on the concatenated maps."""
    if maps.device.type != 'cpu':
        products = [maps[:, a:a + 1] * maps[:, b:b + 1] for a, b in pairs]
        return _shifted_sums(torch.cat([maps, *products], 1), kernel)
    # Numba loads on first use, not with the package
    from ._filter_compiled import filtered_products as compiled
    return torch.from_numpy(
        compiled(maps.numpy(), np.asarray(pairs),
                 kernel.detach().cpu().numpy().reshape(-1)))


def _shifted_sums(x: Tensor, kernel: Tensor) -> Tensor:
    """:func:`shifted_filter` as 2n in-place multiply-adds of shifted
    slices (any device)."""
    k = [float(v) for v in kernel.reshape(-1).tolist()]
    n = len(k)
    ho, wo = x.shape[-2] - n + 1, x.shape[-1] - n + 1
    rows = x[..., :ho, :] * k[0]
    for u in range(1, n):
        rows.add_(x[..., u:u + ho, :], alpha=k[u])
    out = rows[..., :wo] * k[0]
    for v in range(1, n):
        out.add_(rows[..., v:v + wo], alpha=k[v])
    return out


def _running_max(x: Tensor, size: int, dim: int) -> Tensor:
    """Maximum of every ``size`` consecutive values along ``dim`` ('valid'),
    by doubling: maxima of 1, 2, 4, ... values, then one overlapping
    step for the rest (ceil(log2 size) elementwise maxima)."""
    n = x.shape[dim]
    out, width = x, 1
    while width * 2 <= size:
        out = torch.maximum(
            out.narrow(dim, 0, out.shape[dim] - width),
            out.narrow(dim, width, out.shape[dim] - width))
        width *= 2
    rest = size - width
    if rest:
        out = torch.maximum(
            out.narrow(dim, 0, out.shape[dim] - rest),
            out.narrow(dim, rest, out.shape[dim] - rest))
    return out.narrow(dim, 0, n - size + 1)


def window_max(x: Tensor, size: int) -> Tensor:
    """Maximum over every ``size`` x ``size`` window ('valid' part only) of
    (..., H, W); exact, ~30x faster on CPU than ``max_pool2d``'s
    (size, 1) and (1, size) passes."""
    return _running_max(_running_max(x, size, -1), size, -2)
