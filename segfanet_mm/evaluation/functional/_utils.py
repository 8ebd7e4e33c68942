"""Shared input handling for the fusion-metric functions (private)."""
from typing import Tuple

import torch
from torch import Tensor


def as_image_batch(x, name: str = 'image', to_float: bool = True) -> Tensor:
    """Return ``x`` as a float32 tensor of shape (B, 1, H, W).

    Accepted shapes: (H, W), (B, H, W) and (B, 1, H, W). Integer and half
    tensors are converted to float32; float64 is converted to float32 too,
    because every metric here works on float32 maps with float64 reductions.
    The device is kept. ``to_float=False`` keeps uint8 tensors as they are
    (histograms take 8-bit levels directly).
    """
    if not torch.is_tensor(x):
        x = torch.as_tensor(x)
    if x.ndim == 2:
        x = x[None, None]
    elif x.ndim == 3:
        x = x[:, None]
    elif x.ndim != 4 or x.shape[1] != 1:
        raise ValueError(f'{name} must have shape (H, W), (B, H, W) or '
                         f'(B, 1, H, W); got {tuple(x.shape)}')
    if x.dtype != torch.float32 and not (x.dtype == torch.uint8
                                         and not to_float):
        x = x.to(torch.float32)
    return x


def as_triple(fused,
              ir,
              vis,
              to_float: bool = True) -> Tuple[Tensor, Tensor, Tensor]:
    """Convert fused, IR and visible grey images to matching (B,1,H,W)."""
    f = as_image_batch(fused, 'fused', to_float)
    a = as_image_batch(ir, 'ir', to_float)
    b = as_image_batch(vis, 'vis', to_float)
    if not (f.shape == a.shape == b.shape):
        raise ValueError('fused, ir and vis must have the same shape; got '
                         f'{tuple(f.shape)}, {tuple(a.shape)}, '
                         f'{tuple(b.shape)}')
    if not (f.device == a.device == b.device):
        raise ValueError('fused, ir and vis must be on the same device; got '
                         f'{f.device}, {a.device}, {b.device}')
    return f, a, b


def nan_like_batch(x: Tensor) -> Tensor:
    """A float64 (B,) tensor of NaN for the batch of ``x``."""
    return torch.full((x.shape[0], ),
                      float('nan'),
                      dtype=torch.float64,
                      device=x.device)


def sum64(x: Tensor, dims) -> Tensor:
    """Sum over ``dims`` (which must include the last dim) with a float64
    result: the last dim is reduced in the input's precision (rows of up to
    a few hundred values, relative error ~1e-7 at worst), the rest in
    float64. ``torch.sum(x, dtype=torch.float64)`` would first copy all of
    ``x`` to float64, which costs more than the sum."""
    dims = tuple(d % x.ndim for d in dims)
    last = x.ndim - 1
    assert last in dims
    rest = tuple(d for d in dims if d != last)
    partial = x.sum(dim=-1)
    if not rest:
        return partial.to(torch.float64)
    return partial.sum(dim=rest, dtype=torch.float64)


def minmax_255(x: Tensor) -> Tensor:
    r"""Stretch each image to 0..255 and round (Liu's ``normalize1``).

    .. math::
        N(X) = \Big\lfloor 255\,\frac{X - \min X}{\max X - \min X}
               + \tfrac12\Big\rfloor

    (MATLAB's ``round``: halves away from zero, not to even.) An all-zero
    image stays zero; any other constant image has no range and
    becomes NaN (0/0), as in the MATLAB toolboxes that use this step.

    Args:
        x: (B, 1, H, W) tensor.

    Returns:
        float64 tensor of the same shape.
    """
    x = x.to(torch.float64)
    lo = x.amin((1, 2, 3), keepdim=True)
    hi = x.amax((1, 2, 3), keepdim=True)
    out = torch.floor((x - lo) / (hi - lo) * 255.0 + 0.5)
    zero = (hi == 0) & (lo == 0)
    return torch.where(zero, x, out)
