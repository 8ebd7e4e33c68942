from .fusion_head import FusionHead
from .segfanet_seg_head import SegFANetSegHead
from .semantic_injection import SemanticInjection

__all__ = ['FusionHead', 'SegFANetSegHead', 'SemanticInjection']
