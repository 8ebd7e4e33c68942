from .segfanet_runner import SegFANetRunner, find_latest_checkpoint

__all__ = ['SegFANetRunner', 'find_latest_checkpoint']
