"""The first commands of a new user: convert the release archives, then
``tools/train.py`` / ``dist_train.sh`` with ``--cfg-options data_root=DIR``."""
import sys

import potsdam_fusion
import pytest
import whu_opt_sar
from test_potsdam_converter import make_archives
from test_whu_converter import SCENES, write_scene
from tool_runs import free_port, run_tool

WHU_CONFIG = 'configs/segfanet/segfanet-s_1xb4-80k_whu-512x512.py'
POTSDAM_CONFIG = 'configs/segfanet/segfanet-s_1xb4-80k_potsdam-512x512.py'
# A few iterations on 64 x 64 crops; the data root is the only data option.
OPTS = [
    'crop_size=(64,64)', 'train_cfg.max_iters=2', 'train_cfg.val_interval=2',
    'default_hooks.checkpoint.interval=2', 'default_hooks.logger.interval=1',
    'train_dataloader.batch_size=2'
] + [
    f'{loader}.{key}'
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader')
    for key in ('num_workers=0', 'persistent_workers=False')
]


@pytest.fixture(scope='module')
def whu_root(tmp_path_factory):
    src = tmp_path_factory.mktemp('WHU-OPT-SAR')
    for name in SCENES:
        write_scene(src, name)
    out = tmp_path_factory.mktemp('whu')
    assert not whu_opt_sar.main(
        [str(src), '--out', str(out), '--tile-size', '32'])['failed']
    return out


def train(command, data_root, work, env=None):
    """Run ``command`` (a launcher and a config) for 2 iterations with
    validation; return its log."""
    run = run_tool([
        *command, '--work-dir',
        str(work), '--cfg-options', f'data_root={data_root}', *OPTS
    ],
                   env=dict(OMP_NUM_THREADS='1', **(env or {})))
    log = run.stdout + run.stderr
    assert run.returncode == 0, log[-4000:]
    assert 'Iter(train) [2/2]' in log and 'mIoU' in log
    assert (work / 'iter_2.pth').is_file()
    return log


@pytest.mark.slow
def test_train_potsdam_with_data_root_option(tmp_path):
    src = make_archives(
        tmp_path / 'zips', tiles=('2_10', '2_13'), labels='all')
    out = tmp_path / 'potsdam'
    assert not potsdam_fusion.main(
        [str(src), '--out', str(out), '--labels', 'all'])['failed']
    log = train([sys.executable, 'tools/train.py', POTSDAM_CONFIG], out,
                tmp_path / 'work')
    assert 'impervious_surface' in log


@pytest.mark.slow
def test_dist_train_whu_two_cpu_processes(whu_root, tmp_path):
    """WHU through dist_train.sh (one process per rank: the single-process
    path is the Potsdam test's)."""
    log = train(['bash', 'tools/dist_train.sh', WHU_CONFIG, '2'], whu_root,
                tmp_path, dict(PORT=str(free_port())))
    assert 'Distributed training: True' in log
    assert 'farmland' in log  # the per-class table of the 8 WHU classes
