from .fusion_metric import FusionMetric

__all__ = ['FusionMetric']
