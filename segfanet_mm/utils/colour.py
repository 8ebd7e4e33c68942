"""Colour helpers shared by the data loaders, the model, the metrics and
tools: ITU-R BT.601 luma and YCbCr.

The metrics' grey image (``shared/data/metric_fixture/README.md``,
"Inputs") is::

    Y = round_half_even(0.299 R + 0.587 G + 0.114 B)   (in float32)

with R, G, B the 8-bit values and the sum formed left to right, each step
rounded to float32 (no fused multiply-add), exactly as NumPy evaluates
``0.299*R + 0.587*G + 0.114*B`` on float32 arrays. Over all 2^24 colours this
differs from the exact integer rule ``round_half_even((299R+587G+114B)/1000)``
on 1244 colours, all of them exact ties (``299R+587G+114B`` ending in 500),
where float32 rounding moves the value off the tie; ``rounding='exact'``
gives the integer rule. Both agree on every image of the metric fixture.
The loaders reduce a 3-channel infrared image with the same rule, so a grey
image saved as RGB reads back unchanged.
"""
import torch
from kornia.color import rgb_to_ycbcr, ycbcr_to_rgb
from torch import Tensor

BT601_WEIGHTS = (0.299, 0.587, 0.114)


def rgb_to_grey(rgb: Tensor,
                channel_dim: int = -3,
                rounding: str = 'float32') -> Tensor:
    r"""BT.601 grey value of RGB values, rounded to integers by default.

    .. math::
        Y = \operatorname{round}(0.299R + 0.587G + 0.114B)

    Args:
        rgb: Tensor with 3 channels along ``channel_dim`` holding values on
            the 0..255 scale (uint8 or float), e.g. (B, 3, H, W) or (3, H, W).
        channel_dim: The RGB dimension (default -3, i.e. channels-first).
        rounding: ``'float32'`` (default): evaluate the weighted sum in
            float32 left to right and round half to even — the fixture's
            definition. ``'exact'``: integer arithmetic,
            ``round_half_even((299R + 587G + 114B) / 1000)``. ``'none'``:
            the float32 sum unrounded (for 16-bit or float images).

    Returns:
        float32 tensor with the RGB dimension reduced to size 1 (integer
        valued unless ``rounding='none'``), on the input's device.
    """
    if rgb.shape[channel_dim] != 3:
        raise ValueError(f'expected 3 channels along dim {channel_dim}, '
                         f'got shape {tuple(rgb.shape)}')
    r, g, b = rgb.unbind(channel_dim)
    if rounding in ('float32', 'none'):
        r, g, b = (c.to(torch.float32) for c in (r, g, b))
        wr, wg, wb = (
            torch.tensor(w, dtype=torch.float32, device=rgb.device)
            for w in BT601_WEIGHTS)
        # Separate multiplies and adds: every step rounds to float32.
        y = torch.mul(r, wr)
        y = torch.add(y, torch.mul(g, wg))
        y = torch.add(y, torch.mul(b, wb))
        if rounding == 'float32':
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
        raise ValueError(f"rounding must be 'float32', 'exact' or 'none', "
                         f'got {rounding!r}')
    return y.unsqueeze(channel_dim)


def luminance(rgb: Tensor) -> Tensor:
    """BT.601 luminance ``Y = 0.299 R + 0.587 G + 0.114 B`` of (B, 3, H, W)
    RGB in [0, 1], as (B, 1, H, W)."""
    return rgb_to_ycbcr(rgb)[:, :1]


def replace_luminance(rgb: Tensor, y: Tensor) -> Tensor:
    """RGB whose BT.601 luminance is ``y`` and whose chrominance (Cb, Cr) is
    that of ``rgb``: how a grey fused image gets the visible image's colour.

    Args:
        rgb: (B, 3, H, W) visible RGB in [0, 1].
        y: (B, 1, H, W) new luminance in [0, 1].
    """
    return ycbcr_to_rgb(torch.cat([y, rgb_to_ycbcr(rgb)[:, 1:]], 1))
