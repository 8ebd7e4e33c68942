from .cpu_bf16_optim_wrapper import CPUBF16OptimWrapper

__all__ = ['CPUBF16OptimWrapper']
