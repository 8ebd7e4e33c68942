"""Separable 'valid' window filters via depthwise ``conv2d`` (private)."""
import functools

import torch
import torch.nn.functional as F
from torch import Tensor


def separable_filter(x: Tensor, kernel: Tensor, stride: int = 1,
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
    w_row, w_col = _depthwise_weights(tuple(kernel.tolist()), c, x.dtype,
                                      str(x.device), channels_last)
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
    k = torch.tensor(kernel, dtype=torch.float64).to(device=device,
                                                     dtype=dtype)
    w_row = k.view(1, 1, 1, n).expand(c, 1, 1, n).contiguous()
    w_col = k.view(1, 1, n, 1).expand(c, 1, n, 1).contiguous()
    if channels_last:
        w_row = w_row.contiguous(memory_format=torch.channels_last)
        w_col = w_col.contiguous(memory_format=torch.channels_last)
    return w_row, w_col


def box_sum(x: Tensor, size: int) -> Tensor:
    """Sum over every ``size`` x ``size`` window ('valid' part only).

    For integer-valued float32 inputs whose window sums stay below 2^24 the
    result is exact (every partial sum is an integer representable in
    float32), whatever order the convolution adds in.
    """
    return separable_filter(x, torch.ones(size, dtype=x.dtype,
                                          device=x.device))


# On CPU, tensors above a few MiB are mapped and unmapped by glibc on every
# allocation, so each new full-image temporary costs page faults (measured:
# ~4x the cost of the arithmetic at 8 MiB), and a block that stays in the
# L2/L3 cache between the many elementwise passes is faster still. Window
# metrics therefore work through the image in blocks whose largest
# temporary stays near this size (1 MiB was fastest on a 2-core EPYC).
CPU_BLOCK_BYTES = 2**20


def row_blocks(n_rows: int, bytes_per_row: int, device: torch.device,
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
