from .save_fusion_results_hook import SaveFusionResultsHook

__all__ = ['SaveFusionResultsHook']
