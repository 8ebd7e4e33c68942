from .fusion_loss import (FusionLoss, sobel_magnitude, stronger_gradient,
                          two_scale_target)
from .seg_feature_alignment_loss import SegFeatureAlignmentLoss
from .soft_mutual_information import soft_mutual_information
from .soft_qabf import soft_qabf

__all__ = [
    'FusionLoss', 'SegFeatureAlignmentLoss', 'sobel_magnitude',
    'soft_mutual_information', 'soft_qabf', 'stronger_gradient',
    'two_scale_target'
]
