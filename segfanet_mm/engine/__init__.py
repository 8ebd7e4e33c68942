from .hooks import (ChannelsLastHook, FusionVisualizationHook,
                    NonFiniteLossError, NonFiniteLossHook, PreflightCheckHook,
                    PreflightError, RNGStateHook, SaveFusionResultsHook,
                    StrictLoadHook)
from .optimizers import CPUBF16OptimWrapper
from .runner import SegFANetRunner, find_latest_checkpoint

__all__ = [
    'ChannelsLastHook', 'FusionVisualizationHook', 'NonFiniteLossError',
    'NonFiniteLossHook', 'PreflightCheckHook', 'PreflightError',
    'RNGStateHook', 'SaveFusionResultsHook', 'StrictLoadHook',
    'CPUBF16OptimWrapper', 'SegFANetRunner', 'find_latest_checkpoint'
]
