"""Mixed-precision training on CPUs (``--amp`` without a GPU)."""
import contextlib

import torch
from mmseg.registry import OPTIM_WRAPPERS
from torch import nn

from .skip_non_finite_optim_wrapper import SkipNonFiniteOptimWrapper


@OPTIM_WRAPPERS.register_module()
class CPUBF16OptimWrapper(SkipNonFiniteOptimWrapper):
    """Optimizer wrapper that runs the forward pass under bfloat16 autocast
    on the CPU.

    mmengine's ``AmpOptimWrapper`` requires a GPU (it needs a CUDA
    ``GradScaler``). bfloat16 has float32's exponent range, so no loss
    scaling is needed: this wrapper only adds ``torch.autocast('cpu')``
    around the forward pass; parameters, gradients and the optimizer state
    stay in float32. Like :class:`SkipNonFiniteOptimWrapper`, it skips a
    step whose gradients are not finite. ``tools/train.py --amp`` picks it
    when no GPU exists.
    """

    @contextlib.contextmanager
    def optim_context(self, model: nn.Module):
        with super().optim_context(model), torch.autocast(
                device_type='cpu', dtype=torch.bfloat16):
            yield
