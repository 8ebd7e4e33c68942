"""Grey conversion (ITU-R BT.601 luma) and 8-bit quantisation.

The fusion metrics work on one grey image per source. The convention
(``shared/data/metric_fixture/README.md``, "Inputs") is::

    Y = round_half_even(0.299 R + 0.587 G + 0.114 B)   (in float32)

with R, G, B the 8-bit values and the sum formed left to right, each step
rounded to float32 (no fused multiply-add), exactly as NumPy evaluates
``0.299*R + 0.587*G + 0.114*B`` on float32 arrays. Over all 2^24 colours this
differs from the exact integer rule ``round_half_even((299R+587G+114B)/1000)``
on 1244 colours, all of them exact ties (``299R+587G+114B`` ending in 500),
where float32 rounding moves the value off the tie; ``rounding='exact'``
gives the integer rule. Both agree on every image of the metric fixture.
"""
import torch
from torch import Tensor

BT601_WEIGHTS = (0.299, 0.587, 0.114)


def rgb_to_grey(rgb: Tensor, channel_dim: int = -3,
                rounding: str = 'float32') -> Tensor:
    r"""BT.601 grey value of 8-bit RGB values, rounded to integers.

    .. math::
        Y = \operatorname{round}(0.299R + 0.587G + 0.114B)

    Args:
        rgb: Tensor with 3 channels along ``channel_dim`` holding values on
            the 0..255 scale (uint8 or float), e.g. (B, 3, H, W) or (3, H, W).
        channel_dim: The RGB dimension (default -3, i.e. channels-first).
        rounding: ``'float32'`` (default): evaluate the weighted sum in
            float32 left to right and round half to even — the fixture's
            definition. ``'exact'``: integer arithmetic,
            ``round_half_even((299R + 587G + 114B) / 1000)``.

    Returns:
        float32 tensor with the RGB dimension reduced to size 1, integer
        valued in 0..255, on the input's device.
    """
    if rgb.shape[channel_dim] != 3:
        raise ValueError(f'expected 3 channels along dim {channel_dim}, '
                         f'got shape {tuple(rgb.shape)}')
    r, g, b = rgb.unbind(channel_dim)
    if rounding == 'float32':
        r, g, b = (c.to(torch.float32) for c in (r, g, b))
        wr, wg, wb = (torch.tensor(w, dtype=torch.float32, device=rgb.device)
                      for w in BT601_WEIGHTS)
        # Separate multiplies and adds: every step rounds to float32.
        y = torch.mul(r, wr)
        y = torch.add(y, torch.mul(g, wg))
        y = torch.add(y, torch.mul(b, wb))
        y = torch.round(y)  # half to even
    elif rounding == 'exact':
        if rgb.is_floating_point():
            r, g, b = (torch.round(c).to(torch.int64) for c in (r, g, b))
        else:
            r, g, b = (c.to(torch.int64) for c in (r, g, b))
        s = 299 * r + 587 * g + 114 * b
        q = torch.div(s, 1000, rounding_mode='floor')
        rem = s - 1000 * q
        up = (rem > 500) | ((rem == 500) & (q % 2 == 1))
        y = (q + up.to(torch.int64)).to(torch.float32)
    else:
        raise ValueError(f"rounding must be 'float32' or 'exact', "
                         f'got {rounding!r}')
    return y.unsqueeze(channel_dim)


def quantize_unit(y: Tensor, mode: str = 'round') -> Tensor:
    r"""Map a [0, 1] image to 8-bit grey levels, like saving it as uint8.

    .. math::
        Q(y) = \operatorname{clip}(\operatorname{round}(255\,y), 0, 255)

    Args:
        y: Float tensor, nominally in [0, 1].
        mode: ``'round'`` (default; round half to even, what a correctly
            rounded 8-bit save gives), ``'floor'`` (``np.uint8(255*y)``-style
            truncation that some toolkits use) or ``'none'`` (keep
            ``255*y`` unrounded, only clipped; EN/MI still round for their
            histograms).

    Returns:
        float32 tensor on the 0..255 scale, same shape and device.
    """
    y = y.to(torch.float32) * 255.0
    if mode == 'round':
        y = torch.round(y)
    elif mode == 'floor':
        y = torch.floor(y)
    elif mode != 'none':
        raise ValueError(f"mode must be 'round', 'floor' or 'none', "
                         f'got {mode!r}')
    return y.clamp_(0.0, 255.0)
