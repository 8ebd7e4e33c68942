from .data_preprocessor import IVFDataPreProcessor

__all__ = ['IVFDataPreProcessor']
