from .fusion_metric import FusionMetric, write_per_image_csv

__all__ = ['FusionMetric', 'write_per_image_csv']
