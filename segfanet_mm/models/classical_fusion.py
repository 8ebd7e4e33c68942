"""Classical pixel-wise fusion rules (mean, max) as a batched module: the
baselines every fusion paper compares against, with the learnt model's colour
treatment (fuse the visible luminance with IR, reattach visible Cb/Cr)."""
from typing import Callable, Dict

import torch
from torch import Tensor, nn

from ..utils.colour import luminance, replace_luminance

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
