"""SkipNonFiniteOptimWrapper leaves the weights alone on a non-finite loss,
and NonFiniteLossHook's skip mode refuses a wrapper that would not."""
import pytest
import torch
from mmengine.optim import OptimWrapper
from torch import nn

from segfanet_mm.engine import NonFiniteLossHook
from segfanet_mm.engine.optimizers import (CPUBF16OptimWrapper,
                                           SkipNonFiniteOptimWrapper)


def _step(wrapper_type, scale: float):
    torch.manual_seed(0)
    model = nn.Linear(3, 2)
    wrapper = wrapper_type(optimizer=torch.optim.SGD(model.parameters(), 0.1))
    before = [p.detach().clone() for p in model.parameters()]
    loss = model(torch.ones(1, 3)).sum() * scale
    wrapper.update_params(loss)
    changed = any(not torch.equal(b, p)
                  for b, p in zip(before, model.parameters()))
    grads_clear = all(p.grad is None or not p.grad.any()
                      for p in model.parameters())
    return wrapper, changed, grads_clear


@pytest.mark.parametrize('wrapper_type',
                         [SkipNonFiniteOptimWrapper, CPUBF16OptimWrapper])
@pytest.mark.parametrize('scale', [float('nan'), float('inf')])
def test_non_finite_loss_leaves_weights_and_counts(wrapper_type, scale):
    wrapper, changed, grads_clear = _step(wrapper_type, scale)
    assert not changed and grads_clear
    assert wrapper.skipped_steps == 1


def test_finite_loss_steps_as_mmengine_does():
    wrapper, changed, _ = _step(SkipNonFiniteOptimWrapper, 1.0)
    assert changed and wrapper.skipped_steps == 0


class _Runner:

    def __init__(self, wrapper):
        self.optim_wrapper = wrapper


def test_skip_mode_refuses_a_wrapper_that_would_step():
    model = nn.Linear(3, 2)
    plain = OptimWrapper(optimizer=torch.optim.SGD(model.parameters(), 0.1))
    with pytest.raises(ValueError, match='SkipNonFiniteOptimWrapper'):
        NonFiniteLossHook(action='skip').before_train(_Runner(plain))
    NonFiniteLossHook(action='raise').before_train(_Runner(plain))
