"""Real 2-D FFTs of the metrics over the last two dims: SciPy's pocketfft
(one worker) for CPU tensors, ``torch.fft`` elsewhere.

Measured at 640x480 on one thread (docs/benchmarks.md): a float64 round
trip of three images 28.7 ms with PyTorch, 14.8 ms with SciPy; a float32
inverse transform of four maps 5.8 and 4.7 ms.
"""
import torch
from torch import Tensor


def rfft2(x: Tensor) -> Tensor:
    """``torch.fft.rfft2(x)``."""
    if x.device.type != 'cpu':
        return torch.fft.rfft2(x)
    import scipy.fft  # loads on first use, not with the package
    return torch.from_numpy(scipy.fft.rfft2(x.numpy(), workers=1))


def irfft2(spectrum: Tensor, s: tuple) -> Tensor:
    """``torch.fft.irfft2(spectrum, s=s)``."""
    if spectrum.device.type != 'cpu':
        return torch.fft.irfft2(spectrum, s=s)
    import scipy.fft  # loads on first use, not with the package
    return torch.from_numpy(scipy.fft.irfft2(spectrum.numpy(), s=s, workers=1))
