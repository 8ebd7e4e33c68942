"""Stop (or skip) a training step whose loss is NaN or infinite."""
import math
from typing import Dict, Tuple

import torch
from mmengine import dist
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmseg.registry import HOOKS
from torch import Tensor


class NonFiniteLossError(FloatingPointError):
    """A loss term became NaN or infinite during training."""


@HOOKS.register_module()
class NonFiniteLossHook(Hook):
    """Make a NaN or infinite loss loud instead of silently ruining weights.

    The model's ``parse_losses`` is wrapped so that every named loss term is
    checked *before* the backward pass and the optimizer step:

    * ``action='raise'`` (default): raise :class:`NonFiniteLossError` naming
      the iteration and the offending terms; the last checkpoint stays the
      last good one.
    * ``action='skip'``: drop this step (gradients zeroed, no optimizer
      update) and count it; the count is logged as ``skipped_steps``. After
      ``max_skips`` consecutive skips it raises anyway. In distributed runs
      all ranks skip together (one flag all-reduced per step).
    """

    priority = 'VERY_HIGH'

    def __init__(self, action: str = 'raise', max_skips: int = 10) -> None:
        if action not in ('raise', 'skip'):
            raise ValueError(f"action must be 'raise' or 'skip', got {action}")
        self.action = action
        self.max_skips = max_skips
        self.skipped = 0
        self._consecutive = 0

    def before_train(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        parse_losses = model.parse_losses
        optim_wrapper = runner.optim_wrapper
        update_params = optim_wrapper.update_params
        state = dict(bad=False)

        def checked_parse_losses(
                losses: Dict[str, Tensor]) -> Tuple[Tensor, dict]:
            loss, log_vars = parse_losses(losses)
            values = {
                name: float(torch.as_tensor(value).detach().float().mean())
                for name, value in log_vars.items() if 'loss' in name
            }
            bad = {k: v for k, v in values.items() if not math.isfinite(v)}
            state['bad'] = bool(bad)
            if self.action == 'skip' and dist.get_world_size() > 1:
                # DDP needs every rank to take (or skip) the step together.
                flag = torch.tensor([float(state['bad'])])
                dist.all_reduce(flag, op='max')
                state['bad'] = bool(flag.item())
            if bad:
                where = f'iteration {runner.iter + 1}'
                terms = ', '.join(f'{k}={v}' for k, v in bad.items())
                self._consecutive += 1
                if self.action == 'raise' or \
                        self._consecutive > self.max_skips:
                    raise NonFiniteLossError(
                        f'non-finite loss at {where}: {terms}. Lower the '
                        'learning rate, enable gradient clipping, or set '
                        "NonFiniteLossHook(action='skip').")
                runner.logger.warning(f'skipping {where}: {terms}')
            else:
                self._consecutive = 0
            return loss, log_vars

        def guarded_update_params(loss: Tensor, *args, **kwargs) -> None:
            if state['bad']:
                optim_wrapper.zero_grad()
                self.skipped += 1
                return
            update_params(loss, *args, **kwargs)

        model.parse_losses = checked_parse_losses
        optim_wrapper.update_params = guarded_update_params

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        if self.action == 'skip':
            runner.message_hub.update_scalar('train/skipped_steps',
                                             self.skipped)
