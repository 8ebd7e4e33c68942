from .fusion_loss import (FusionLoss, sobel_magnitude, stronger_gradient,
                          two_scale_target)
from .seg_feature_alignment_loss import SegFeatureAlignmentLoss
from .soft_mutual_information import soft_mutual_information

__all__ = [
    'FusionLoss', 'SegFeatureAlignmentLoss', 'sobel_magnitude',
    'soft_mutual_information', 'stronger_gradient', 'two_scale_target'
]
