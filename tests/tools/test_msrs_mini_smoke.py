"""A few training iterations of
configs/segfanet/segfanet-s_1xb4-40k_msrs-480x640.py on real MSRS pairs
(``msrs_mini`` in the shared data folder; skipped when absent).

msrs_mini stores binary person masks (0/255), not the 9-class MSRS labels,
so the run maps 255 to MSRS's ``person`` (``label_values``) and trains the
two classes (unlabelled, person) through mmseg's class-subset remapping.
Training crops are quartered (240 x 320) and validation sees 1 pair, to
keep the CPU run short.
"""
import re
import sys
from pathlib import Path

import pytest
from data_paths import REPO_ROOT, shared_data_dir
from tool_runs import run_tool


def msrs_mini() -> Path:
    return shared_data_dir() / 'msrs_mini'


OVERRIDE = '''_base_ = ['{config}']
data = dict(
    data_root='{root}',
    data_prefix=dict(vis_path='vis', ir_path='ir', seg_map_path='label'),
    label_values={{255: 2}},
    metainfo=dict(classes=('unlabelled', 'person')))
fast = dict(num_workers=0, persistent_workers=False)
train_dataloader = dict(batch_size=1, dataset=data, **fast)
val_dataloader = dict(dataset=dict(data, indices=1), **fast)
test_dataloader = val_dataloader
model = dict(decode_head=dict(num_classes=2))
train_cfg = dict(max_iters=2, val_interval=2)
default_hooks = dict(logger=dict(interval=1))
'''


@pytest.mark.slow
@pytest.mark.skipif(
    not msrs_mini().is_dir(), reason=f'shared data not found at {msrs_mini()}')
@pytest.mark.slow
def test_train_msrs_config_on_msrs_mini(tmp_path):
    config = tmp_path / 'segfanet-s_1xb4-40k_msrs-mini.py'
    config.write_text(
        OVERRIDE.format(
            config=REPO_ROOT / 'configs' / 'segfanet' /
            'segfanet-s_1xb4-40k_msrs-480x640.py',
            root=msrs_mini()))
    work = tmp_path / 'work'
    run = run_tool([
        sys.executable, 'tools/train.py',
        str(config), '--work-dir',
        str(work), '--cfg-options',
        'train_dataloader.dataset.pipeline.2.scale=(320,240)',
        'train_dataloader.dataset.pipeline.3.crop_size=(240,320)'
    ])
    log = run.stdout + run.stderr
    assert run.returncode == 0, log[-3000:]
    assert 'Iter(train) [2/2]' in log
    assert re.search(r'\|\s+person\s+\|', log), log[-3000:]
    assert re.search(r'mIoU: [\d.]+', log)
    assert (work / 'iter_2.pth').is_file()
