"""Stop (or skip) a training step whose loss is NaN or infinite."""
import math
from typing import Optional

import torch
from mmengine.hooks import Hook
from mmengine.optim import AmpOptimWrapper
from mmseg.registry import HOOKS

from ..optimizers import SkipNonFiniteOptimWrapper


class NonFiniteLossError(FloatingPointError):
    """A loss term became NaN or infinite during training."""


@HOOKS.register_module()
class NonFiniteLossHook(Hook):
    """Make a NaN or infinite loss loud instead of silently ruining weights.

    After each training step, every logged loss term is checked:

    * ``action='raise'`` (default): raise :class:`NonFiniteLossError` naming
      the iteration and the offending terms, before the checkpoint hook runs,
      so the last checkpoint stays the last good one.
    * ``action='skip'``: log the terms and count the step, logged as
      ``skipped_steps``; after ``max_skips`` consecutive bad steps it raises
      anyway. The optimizer wrapper is what leaves the weights untouched:
      :class:`SkipNonFiniteOptimWrapper` (the default of this project's
      schedules, all ranks skipping together) or mmengine's
      ``AmpOptimWrapper``, whose loss scaler skips non-finite gradients.
    """

    priority = 'VERY_HIGH'  # before CheckpointHook and LoggerHook

    def __init__(self, action: str = 'raise', max_skips: int = 10) -> None:
        if action not in ('raise', 'skip'):
            raise ValueError(f"action must be 'raise' or 'skip', got {action}")
        self.action = action
        self.max_skips = max_skips
        self.skipped = 0
        self._consecutive = 0

    def before_train(self, runner) -> None:
        wrapper = runner.optim_wrapper
        if self.action == 'skip' and not isinstance(
                wrapper, (SkipNonFiniteOptimWrapper, AmpOptimWrapper)):
            raise ValueError(
                "NonFiniteLossHook(action='skip') needs an optimizer wrapper "
                'that skips non-finite steps, got '
                f'{type(wrapper).__name__}: set optim_wrapper.type='
                "'SkipNonFiniteOptimWrapper'.")

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch: Optional[dict] = None,
                         outputs: Optional[dict] = None) -> None:
        values = {
            name: float(torch.as_tensor(value).detach().float().mean())
            for name, value in (outputs or {}).items() if 'loss' in name
        }
        bad = {k: v for k, v in values.items() if not math.isfinite(v)}
        if bad:
            where = f'iteration {runner.iter + 1}'
            terms = ', '.join(f'{k}={v}' for k, v in bad.items())
            self._consecutive += 1
            if self.action == 'raise' or self._consecutive > self.max_skips:
                raise NonFiniteLossError(
                    f'non-finite loss at {where}: {terms}. Lower the '
                    'learning rate, enable gradient clipping, or set '
                    "NonFiniteLossHook(action='skip').")
            self.skipped += 1
            runner.logger.warning(f'skipped {where}: {terms}')
        else:
            self._consecutive = 0
        if self.action == 'skip':
            runner.message_hub.update_scalar('train/skipped_steps',
                                             self.skipped)
