"""SIGKILL a run at a random iteration, resume it, get the same result."""
import json
import random
import signal
import subprocess
import sys
import time

import pytest
import torch
from data_paths import REPO_ROOT
from tool_runs import tool_env


def train(config, work, demo_root, *extra):
    return subprocess.Popen([
        sys.executable, 'tools/train.py', f'tests/fixtures/{config}',
        '--work-dir',
        str(work), '--cfg-options', f'data_root={demo_root}', *extra
    ],
                            cwd=REPO_ROOT,
                            env=tool_env(fixtures=True),
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE,
                            text=True)


def logged_losses(work):
    rows = {}
    for log in sorted(work.glob('*/vis_data/scalars.json')):
        for line in log.read_text().splitlines():
            row = json.loads(line)
            if 'loss' in row:
                rows[row['iter']] = row['loss']
    return rows


def final_weights(work):
    ckpt = torch.load(
        work / 'iter_12.pth', map_location='cpu', weights_only=False)
    return ckpt['state_dict']


@pytest.mark.slow
def test_killed_run_resumes_to_identical_weights_and_losses(
        tmp_path, demo_root):
    reference = tmp_path / 'reference'
    proc = train('tiny_baseline.py', reference, demo_root)
    assert proc.wait(timeout=600) == 0, proc.stderr.read()[-3000:]

    interrupted = tmp_path / 'interrupted'
    kill_after = random.Random().randint(3, 9)
    proc = train('tiny_slow.py', interrupted, demo_root)
    deadline = time.time() + 300
    while len(logged_losses(interrupted)) < kill_after:
        assert proc.poll() is None and time.time() < deadline
        time.sleep(0.05)
    time.sleep(random.uniform(0, 0.3))  # anywhere in the iteration or save
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not (interrupted / 'iter_12.pth').exists()

    proc = train('tiny_baseline.py', interrupted, demo_root, '--resume')
    assert proc.wait(timeout=600) == 0, proc.stderr.read()[-3000:]

    ref_losses, got_losses = logged_losses(reference), logged_losses(
        interrupted)
    assert sorted(got_losses) == list(range(1, 13))
    for it, loss in ref_losses.items():
        assert abs(got_losses[it] - loss) <= 1e-6 * max(1, abs(loss)), it
    ref_w, got_w = final_weights(reference), final_weights(interrupted)
    assert ref_w.keys() == got_w.keys()
    for name in ref_w:
        torch.testing.assert_close(
            got_w[name], ref_w[name], rtol=1e-5, atol=1e-6, msg=name)
