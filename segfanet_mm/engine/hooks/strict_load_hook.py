"""Refuse, at load time, a checkpoint that does not fit the model."""
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmseg.registry import HOOKS

from ...utils.checkpoint_checks import check_state_dict_fits


@HOOKS.register_module()
class StrictLoadHook(Hook):
    """Make the Runner's ``load_from`` strict, for testing.

    mmengine's Runner loads ``load_from`` non-strictly, which suits
    fine-tuning but lets ``tools/test.py`` score a partly random network
    when the checkpoint is of another variant, number of classes or model.
    Before the weights are copied, this hook compares them with the model
    and raises
    :class:`~segfanet_mm.utils.checkpoint_checks.CheckpointMismatchError`
    naming the checkpoint (``load_from``) and the missing, unexpected and
    mis-shaped tensors.
    """

    priority = 'VERY_HIGH'

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        check_state_dict_fits(model, checkpoint,
                              runner.cfg.get('load_from') or 'checkpoint')
