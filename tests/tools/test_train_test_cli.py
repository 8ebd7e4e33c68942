"""tools/train.py, --resume and tools/test.py from the command line."""
import json
import os
import os.path as osp
import re
import sys

import pytest
from data_paths import REPO_ROOT
from tool_runs import run_tool

BASELINE = 'configs/baselines/fcn_r18-4ch_1xb4-600i_demo-128x128.py'
FAST = [
    'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=0',
    'val_dataloader.num_workers=0', 'val_dataloader.persistent_workers=0',
    'test_dataloader.num_workers=0', 'test_dataloader.persistent_workers=0',
    'default_hooks.logger.interval=4'
]


def run(*args):
    """Run the tool ``args[0]`` in a new process; return its output."""
    out = run_tool([sys.executable, *args])
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    return out.stdout + out.stderr


@pytest.fixture(scope='module')
def trained(tmp_path_factory, demo_root):
    """Train 16 iterations, then resume the same work_dir up to 24."""
    work = tmp_path_factory.mktemp('base')
    opts = FAST + [
        f'data_root={demo_root}', 'train_cfg.val_interval=100',
        'default_hooks.checkpoint.interval=8'
    ]
    run('tools/train.py', BASELINE, '--work-dir', str(work), '--cfg-options',
        'train_cfg.max_iters=16', *opts)
    log = run('tools/train.py', BASELINE, '--work-dir', str(work), '--resume',
              '--cfg-options', 'train_cfg.max_iters=24', *opts)
    return work, log


@pytest.mark.slow
def test_resume_continues_from_last_checkpoint(trained):
    work, log = trained
    assert 'resumed epoch: 0, iter: 16' in log
    assert 'Iter(train) [20/24]' in log and 'Iter(train) [ 4/24]' not in log
    assert (work / 'iter_24.pth').is_file()
    assert open(work /
                'last_checkpoint').read().strip().endswith('iter_24.pth')


@pytest.mark.slow
def test_test_tool_beats_all_background_and_writes_maps(
        trained, tmp_path, demo_root):
    work, _ = trained
    log = run('tools/test.py',
              BASELINE, str(work / 'iter_24.pth'), '--work-dir',
              str(tmp_path / 't'), '--out', str(tmp_path / 'out'),
              '--cfg-options', f'data_root={demo_root}', *FAST)
    miou = float(re.search(r'mIoU: ([\d.]+)', log).group(1))
    # Predicting background everywhere scores IoU_bg / 3 < 33.4.
    assert miou > 40, log[-2000:]
    maps = sorted(os.listdir(tmp_path / 'out' / 'seg'))
    assert len(maps) == 16 and maps[0] == '0064_day.png'
    metrics = list((tmp_path / 't').glob('*/*.json'))
    assert metrics and 'mIoU' in json.loads(metrics[0].read_text())


@pytest.mark.slow
def test_cfg_options_and_missing_config_are_handled(tmp_path):
    out = run_tool([sys.executable, 'tools/train.py', 'configs/nope.py'],
                   timeout=120)
    assert out.returncode != 0 and 'configs/nope.py does not exist' in \
        out.stderr


def test_amp_flag_selects_a_mixed_precision_wrapper():
    from segfanet_mm.apis import enable_amp, load_config
    cfg = load_config(osp.join(REPO_ROOT, BASELINE))
    enable_amp(cfg)
    assert cfg.optim_wrapper.type in ('AmpOptimWrapper', 'CPUBF16OptimWrapper')
