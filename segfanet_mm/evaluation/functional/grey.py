"""8-bit quantisation of [0, 1] images for the fusion metrics (their grey
conversion, :func:`~segfanet_mm.utils.colour.rgb_to_grey`, lives with the
other colour rules in :mod:`segfanet_mm.utils.colour`)."""
import torch
from torch import Tensor


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
