"""Classical pixel-wise fusion rules, the baselines every fusion paper
compares against, with the same input handling and colour treatment as the
learnt model (fuse the visible luminance with IR, reattach visible Cb/Cr)."""
from typing import Callable, Dict, Optional, Tuple

import torch
from torch import Tensor, nn

from ..utils.colour import luminance, replace_luminance
from .inference import FusionResult, ImageLike, stack_pair, to_uint8_image

#: ``Y_f`` as a function of IR and visible luminance, all in [0, 1].
RULES: Dict[str, Callable[[Tensor, Tensor], Tensor]] = {
    'mean': lambda ir, vis_y: (ir + vis_y) / 2,
    'max': torch.maximum,
}


class ClassicalFusion(nn.Module):
    """``Y_f = rule(IR, Y_vis)`` on a (B, 4, H, W) RGB+IR batch in [0, 1];
    returns (B, 3, H, W) RGB (visible chrominance reattached).

    Args:
        rule: ``'mean'`` (pixel-wise average) or ``'max'`` (pixel-wise
            maximum, "choose max").
    """

    def __init__(self, rule: str = 'mean') -> None:
        super().__init__()
        if rule not in RULES:
            raise ValueError(f'unknown fusion rule {rule!r}; choose one of '
                             f'{sorted(RULES)}')
        self.rule = rule

    def fuse_luminance(self, inputs: Tensor) -> Tensor:
        """(B, 1, H, W) fused luminance."""
        return RULES[self.rule](inputs[:, 3:], luminance(inputs[:, :3]))

    def forward(self, inputs: Tensor) -> Tensor:
        return replace_luminance(inputs[:, :3], self.fuse_luminance(inputs))


@torch.no_grad()
def fuse_pair_classical(ir: ImageLike, vis: ImageLike,
                        rule: str = 'max',
                        ir_range: Optional[Tuple[float, float]] = None
                        ) -> FusionResult:
    """Fuse one pair (paths or arrays, as :func:`fuse_pair` reads them, with
    the same ``ir_range``) with a classical rule; ``seg`` is None."""
    model = ClassicalFusion(rule)
    pair = torch.from_numpy(stack_pair(ir, vis, ir_range)).permute(
        2, 0, 1)[None]
    inputs = pair.float() / 255
    fused = model.fuse_luminance(inputs)
    fused_rgb = replace_luminance(inputs[:, :3], fused)
    return FusionResult(
        fused=to_uint8_image(fused[0]),
        fused_rgb=to_uint8_image(fused_rgb[0]),
        seg=None)
