from .channels_last_hook import ChannelsLastHook
from .fusion_visualization_hook import FusionVisualizationHook
from .non_finite_loss_hook import NonFiniteLossError, NonFiniteLossHook
from .preflight_check_hook import PreflightCheckHook, PreflightError
from .rng_state_hook import RNGStateHook
from .save_fusion_results_hook import SaveFusionResultsHook
from .strict_load_hook import StrictLoadHook

__all__ = [
    'ChannelsLastHook', 'FusionVisualizationHook', 'NonFiniteLossError',
    'NonFiniteLossHook', 'PreflightCheckHook', 'PreflightError',
    'RNGStateHook', 'SaveFusionResultsHook', 'StrictLoadHook'
]
