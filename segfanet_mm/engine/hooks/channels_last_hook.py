"""Run the model in channels-last (NHWC) memory format."""
import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmseg.registry import HOOKS


@HOOKS.register_module()
class ChannelsLastHook(Hook):
    """Convert the model's 4-D parameters and buffers to
    ``torch.channels_last`` when training, validation or testing starts.

    Convolutions whose weight is channels-last produce channels-last
    outputs, so the whole network then runs in NHWC, which oneDNN (CPU) and
    cuDNN (tensor cores, with ``--amp``) often execute faster. The values
    computed are the same up to floating-point reordering.
    The conversion waits for ``before_train`` (not ``before_run``): the
    Runner initialises and loads weights after ``before_run``, and random
    initialisation of a channels-last tensor fills it in memory order, which
    would give other weights than a contiguous run with the same seed.
    ``tools/train.py --channels-last`` adds this hook.
    """

    priority = 'VERY_HIGH'

    def _convert(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        model.to(memory_format=torch.channels_last)

    def before_train(self, runner) -> None:
        self._convert(runner)

    def before_val(self, runner) -> None:
        self._convert(runner)

    def before_test(self, runner) -> None:
        self._convert(runner)
