"""SegFANetRunner: atomic checkpoint files and a --resume that survives a
broken ``last_checkpoint`` (the kill-and-resume and torchrun tests run it
end to end)."""
import os

import pytest
import torch
from mmengine.model import BaseModel
from mmengine.runner import runner as mmengine_runner
from torch import nn
from torch.utils.data import DataLoader

from segfanet_mm.engine.runner import SegFANetRunner, find_latest_checkpoint


class ToyModel(BaseModel):

    def __init__(self) -> None:
        super().__init__()
        self.linear = nn.Linear(2, 1)

    def forward(self, inputs, data_samples=None, mode='tensor'):
        return self.linear(inputs)


def make_runner(work_dir) -> SegFANetRunner:
    return SegFANetRunner(
        model=ToyModel(),
        work_dir=str(work_dir),
        default_scope='mmseg',
        train_dataloader=DataLoader([torch.zeros(2)], batch_size=1),
        train_cfg=dict(by_epoch=False, max_iters=1),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)))


@pytest.mark.parametrize('pointer', [None, '', 'stale/iter_9.pth'])
def test_latest_checkpoint_falls_back_to_newest_file(tmp_path, pointer):
    for name in ('iter_2.pth', 'iter_10.pth', 'iter_4.pth', 'best_x.pth'):
        (tmp_path / name).write_bytes(b'x')
    if pointer is not None:
        (tmp_path / 'last_checkpoint').write_text(pointer)
    assert find_latest_checkpoint(str(tmp_path)) == str(tmp_path /
                                                        'iter_10.pth')


def test_latest_checkpoint_follows_a_valid_pointer(tmp_path):
    for name in ('iter_2.pth', 'iter_4.pth'):
        (tmp_path / name).write_bytes(b'x')
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'iter_2.pth'))
    assert find_latest_checkpoint(str(tmp_path)) == str(tmp_path /
                                                        'iter_2.pth')
    assert find_latest_checkpoint(str(tmp_path / 'empty')) is None


def test_checkpoint_is_written_whole_or_not_at_all(tmp_path, monkeypatch):
    runner = make_runner(tmp_path / 'work')
    runner.save_checkpoint(
        runner.work_dir,
        'iter_1.pth',
        save_optimizer=False,
        save_param_scheduler=False)
    target = tmp_path / 'work' / 'iter_1.pth'
    good = target.read_bytes()
    saved = torch.load(target, map_location='cpu', weights_only=False)
    assert set(saved['state_dict']) == {'linear.weight', 'linear.bias'}

    def crash_mid_write(checkpoint, filename, *args, **kwargs):
        with open(filename, 'wb') as f:
            f.write(b'half a checkpoi')
        raise OSError('disk full')

    monkeypatch.setattr(mmengine_runner, 'save_checkpoint', crash_mid_write)
    with pytest.raises(OSError, match='disk full'):
        runner.save_checkpoint(
            runner.work_dir,
            'iter_1.pth',
            save_optimizer=False,
            save_param_scheduler=False)
    assert target.read_bytes() == good  # the last good one survives
    leftovers = [p for p in os.listdir(tmp_path / 'work') if 'iter_1' in p]
    assert leftovers == ['iter_1.pth']  # no temporary file left behind
