from .cpu_bf16_optim_wrapper import CPUBF16OptimWrapper
from .skip_non_finite_optim_wrapper import SkipNonFiniteOptimWrapper

__all__ = ['CPUBF16OptimWrapper', 'SkipNonFiniteOptimWrapper']
