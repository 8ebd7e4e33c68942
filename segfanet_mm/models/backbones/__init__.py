from .cross_modal_interaction import CrossModalInteraction
from .dual_stream_encoder import DualStreamEncoder

__all__ = ['CrossModalInteraction', 'DualStreamEncoder']
