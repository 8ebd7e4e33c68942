"""Optimizer wrapper that drops an update whose loss is NaN or infinite."""
from typing import Dict, Optional

import torch
from mmengine import dist
from mmengine.optim import OptimWrapper
from mmseg.registry import OPTIM_WRAPPERS
from torch import Tensor


@OPTIM_WRAPPERS.register_module()
class SkipNonFiniteOptimWrapper(OptimWrapper):
    """``OptimWrapper`` whose ``update_params`` skips a non-finite loss.

    One backward pass of a NaN or infinite loss writes NaN into every
    parameter it reaches. This wrapper checks the loss first: when it is not
    finite, there is no backward pass and no optimizer step, the gradients
    are zeroed and :attr:`skipped_steps` counts the step. In distributed runs
    every rank skips together (one flag all-reduced per step), because DDP
    needs all ranks to take the same backward passes.

    It only decides *whether* to step; :class:`NonFiniteLossHook` names the
    offending loss terms and decides whether training stops.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.skipped_steps = 0

    def update_params(self,
                      loss: Tensor,
                      step_kwargs: Optional[Dict] = None,
                      zero_kwargs: Optional[Dict] = None) -> None:
        """Backward, step and zero the gradients, unless ``loss`` (on any
        rank) is NaN or infinite."""
        bad = (~torch.isfinite(loss.detach())).any().float().reshape(1)
        if dist.get_world_size() > 1:
            dist.all_reduce(bad, op='max')
        if bad.item():
            self.zero_grad(**(zero_kwargs or {}))
            self.skipped_steps += 1
            return
        super().update_params(loss, step_kwargs, zero_kwargs)
