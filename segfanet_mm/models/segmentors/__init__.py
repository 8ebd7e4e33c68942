from .segfanet import SegFANet

__all__ = ['SegFANet']
