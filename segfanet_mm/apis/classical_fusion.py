"""Fuse one pair with a classical pixel-wise rule (mean, max), read and
written like the learnt model's pairs (:func:`fuse_pair`)."""
from typing import Optional, Tuple

import torch

from ..models.classical_fusion import ClassicalFusion
from ..utils.colour import replace_luminance
from .inference import FusionResult, ImageLike, stack_pair, to_uint8_image


@torch.no_grad()
def fuse_pair_classical(
        ir: ImageLike,
        vis: ImageLike,
        rule: str = 'max',
        ir_range: Optional[Tuple[float, float]] = None) -> FusionResult:
    """Fuse one pair (paths or arrays, as :func:`fuse_pair` reads them, with
    the same ``ir_range``) with a classical rule; ``seg`` is None."""
    model = ClassicalFusion(rule)
    pair = torch.from_numpy(stack_pair(ir, vis, ir_range)).permute(2, 0,
                                                                   1)[None]
    inputs = pair.float() / 255
    fused = model.fuse_luminance(inputs)
    fused_rgb = replace_luminance(inputs[:, :3], fused)
    return FusionResult(
        fused=to_uint8_image(fused[0]),
        fused_rgb=to_uint8_image(fused_rgb[0]),
        seg=None)
