"""A NaN loss stops training with the iteration and term named, or is
skipped and counted when configured."""
import json
import sys

import pytest
from tool_runs import run_tool

POISONED = 'tests/fixtures/tiny_poisoned.py'  # NaN before iteration 4


def train(work, demo_root, *options):
    return run_tool([
        sys.executable, 'tools/train.py', POISONED, '--work-dir',
        str(work), '--cfg-options', 'train_cfg.max_iters=6',
        f'data_root={demo_root}', *options
    ],
                    fixtures=True)


@pytest.mark.slow
def test_nan_loss_stops_with_iteration_and_term(tmp_path, demo_root):
    out = train(tmp_path, demo_root)
    assert out.returncode != 0
    assert 'NonFiniteLossError: non-finite loss at iteration 4' in out.stderr
    assert 'decode.loss_ce=nan' in out.stderr
    assert (tmp_path / 'iter_2.pth').is_file()  # last good one kept
    assert not (tmp_path / 'iter_4.pth').exists()


@pytest.mark.slow
def test_skip_mode_drops_and_counts_bad_steps(tmp_path, demo_root):
    out = train(tmp_path, demo_root, 'custom_hooks.0.action=skip')
    assert out.returncode == 0, out.stderr[-3000:]
    logs = list(tmp_path.glob('*/vis_data/scalars.json'))
    rows = [json.loads(line) for line in logs[0].read_text().splitlines()]
    train_rows = [r for r in rows if 'skipped_steps' in r]
    # Poisoned weights stay NaN: iterations 4, 5 and 6 are all skipped.
    assert [r['skipped_steps'] for r in train_rows] == [0, 0, 0, 1, 2, 3]
