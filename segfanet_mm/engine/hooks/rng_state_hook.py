"""Carry torch's random number generator state through checkpoints."""
from typing import Optional

import torch
from mmengine.hooks import Hook
from mmseg.registry import HOOKS

RNG_KEY = 'torch_rng_state'


@HOOKS.register_module()
class RNGStateHook(Hook):
    """Make ``--resume`` continue with the random stream it stopped at.

    mmengine restores weights, optimizer, schedulers and the data order on
    resume, but not torch's global generator, which the model draws from
    during training (dropout, the alignment loss's pixel sampling). This hook
    stores the generator state (CPU and CUDA) in the checkpoint's message-hub
    runtime info and restores it right before the first resumed iteration —
    after mmengine has fast-forwarded the dataloader, which (with workers, or
    with transforms that only use numpy) does not touch torch's generator.
    With deterministic settings a resumed run then equals an uninterrupted
    one. Checkpoints are written by rank 0, so in distributed runs rank 0's
    stream is restored exactly and other ranks continue with their own.
    """

    priority = 'VERY_HIGH'

    def __init__(self) -> None:
        self._pending: Optional[dict] = None

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        hub = dict(checkpoint.get('message_hub', {}))
        state = dict(cpu=torch.get_rng_state())
        if torch.cuda.is_available():
            state['cuda'] = torch.cuda.get_rng_state_all()
        hub['runtime_info'] = dict(
            hub.get('runtime_info', {}), **{RNG_KEY: state})
        checkpoint['message_hub'] = hub

    def before_train(self, runner) -> None:
        if runner.rank == 0 and runner.iter > 0:
            self._pending = runner.message_hub.get_info(RNG_KEY)

    def before_train_iter(self,
                          runner,
                          batch_idx: int,
                          data_batch=None) -> None:
        if self._pending is None:
            return
        torch.set_rng_state(self._pending['cpu'])
        if 'cuda' in self._pending and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(self._pending['cuda'])
        self._pending = None
