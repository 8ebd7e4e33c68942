"""Optimizer wrapper that drops an update whose loss is NaN or infinite."""
from typing import Dict, Optional

import torch
from mmengine.optim import OptimWrapper
from mmseg.registry import OPTIM_WRAPPERS
from torch import Tensor


@OPTIM_WRAPPERS.register_module()
class SkipNonFiniteOptimWrapper(OptimWrapper):
    """``OptimWrapper`` whose ``update_params`` skips a non-finite step.

    One optimizer step with NaN or infinite gradients writes NaN into every
    parameter it reaches. This wrapper runs the backward pass as usual, then
    checks the gradients: when any is not finite (a NaN or infinite loss
    gives such gradients), there is no optimizer step, the gradients are
    zeroed and :attr:`skipped_steps` counts the step. In distributed runs
    DDP has already averaged the gradients, so every rank sees the same
    gradients and skips together without another collective.

    It only decides *whether* to step; :class:`NonFiniteLossHook` names the
    offending loss terms and decides whether training stops.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.skipped_steps = 0

    def _grads_finite(self) -> bool:
        grads = [
            p.grad for group in self.optimizer.param_groups
            for p in group['params'] if p.grad is not None
        ]
        return all(bool(torch.isfinite(g).all()) for g in grads)

    def update_params(self,
                      loss: Tensor,
                      step_kwargs: Optional[Dict] = None,
                      zero_kwargs: Optional[Dict] = None) -> None:
        """Backward, then step and zero the gradients as mmengine does,
        unless a gradient is NaN or infinite (then only zero them)."""
        self.backward(self.scale_loss(loss))
        if self.should_update():
            if self._grads_finite():
                self.step(**(step_kwargs or {}))
            else:
                self.skipped_steps += 1
            self.zero_grad(**(zero_kwargs or {}))
