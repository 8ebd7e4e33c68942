from .fusion_loss import FusionLoss, sobel_magnitude
from .seg_feature_alignment_loss import SegFeatureAlignmentLoss

__all__ = ['FusionLoss', 'SegFeatureAlignmentLoss', 'sobel_magnitude']
