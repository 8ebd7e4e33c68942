"""tools/fuse.py reruns (issue 19, item 12): complete pairs are skipped, a
killed run resumes to the outputs of an uninterrupted one, and outputs of
other or unknown settings are never mixed in silently."""
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from data_paths import REPO_ROOT
from tool_runs import call_tool

CONFIG = 'configs/segfanet/segfanet-s_1xb4-400i_demo-128x128.py'
FIELDS = ('fused', 'fused_rgb')


def fuse(*args, check=True):
    out = call_tool('tools/fuse.py', *args)
    assert 'Traceback' not in out.stderr, out.stderr[-3000:]
    if check:
        assert out.returncode == 0, out.stderr[-3000:]
    return out


def write_pairs(root: Path, count: int, size=(64, 80)):
    rng = np.random.default_rng(0)
    for name in ('ir', 'vis'):
        (root / name).mkdir(parents=True)
    for i in range(count):
        vis = cv2.GaussianBlur(
            rng.integers(0, 256, (*size, 3), dtype=np.uint8), (5, 5), 2)
        cv2.imwrite(str(root / 'vis' / f'p{i}.png'), vis)
        cv2.imwrite(
            str(root / 'ir' / f'p{i}.png'),
            rng.integers(0, 256, size, dtype=np.uint8))
    return root / 'ir', root / 'vis'


def outputs(out: Path, stem: str):
    return [out / field / f'{stem}.png' for field in FIELDS]


@pytest.mark.slow
def test_rerun_skips_complete_pairs_and_redoes_the_rest(tmp_path):
    ir, vis = write_pairs(tmp_path, 4)
    out = tmp_path / 'out'
    rule = ['--rule', 'mean', '--ir', ir, '--vis', vis, '--out', out]
    fuse(*rule)
    # A killed run: p1 lacks one output (and left a temporary file), p2's
    # infrared image was replaced after it was fused.
    stamp = time.time() + 100
    for stem in ('p0', 'p1', 'p2', 'p3'):
        for path in outputs(out, stem):
            os.utime(path, (stamp, stamp))
    os.unlink(out / 'fused_rgb' / 'p1.png')
    (out / 'fused' / '.p1.png.x1y2.tmp').write_bytes(b'half')
    os.utime(ir / 'p2.png', (stamp + 100, stamp + 100))
    result = fuse(*rule)
    assert 'skipped 2 pair(s) already fused' in result.stdout
    assert 'fused 2 pair(s)' in result.stdout
    for stem, redone in (('p0', False), ('p1', True), ('p2', True), ('p3',
                                                                     False)):
        for path in outputs(out, stem):
            assert (os.stat(path).st_mtime != stamp) == redone, path
    assert not list(out.rglob('*.tmp'))
    result = fuse(*rule, '--overwrite')
    assert 'fused 4 pair(s)' in result.stdout
    assert all(os.stat(p).st_mtime != stamp for p in outputs(out, 'p0'))


@pytest.mark.slow
def test_other_or_unknown_settings_are_never_mixed_in(tmp_path):
    ir, vis = write_pairs(tmp_path, 2)
    out = tmp_path / 'out'
    fuse('--rule', 'mean', '--ir', ir, '--vis', vis, '--out', out)
    before = cv2.imread(str(out / 'fused' / 'p0.png'), cv2.IMREAD_UNCHANGED)
    for extra, changed in ((['--rule', 'max'], 'rule'),
                           (['--rule', 'mean', '--ir-range', '0',
                             '200'], 'ir_range')):
        result = fuse(
            *extra, '--ir', ir, '--vis', vis, '--out', out, check=False)
        assert result.returncode == 1
        assert f'other settings (changed: {changed})' in result.stderr
    assert np.array_equal(
        before,
        cv2.imread(str(out / 'fused' / 'p0.png'), cv2.IMREAD_UNCHANGED))
    fuse('--rule', 'max', '--ir', ir, '--vis', vis, '--out', out,
         '--overwrite')
    settings = json.loads((out / 'fuse_settings.json').read_text())
    assert settings['rule'] == 'max'
    unknown = tmp_path / 'old'
    (unknown / 'fused').mkdir(parents=True)
    (unknown / 'fused' / 'p1.png').write_bytes(
        (out / 'fused' / 'p1.png').read_bytes())
    result = fuse(
        '--rule',
        'max',
        '--ir',
        ir,
        '--vis',
        vis,
        '--out',
        unknown,
        check=False)
    assert result.returncode == 1
    assert 'no record of the settings' in result.stderr


@pytest.mark.slow
def test_killed_run_resumes_to_the_outputs_of_an_uninterrupted_one(tmp_path):
    from segfanet_mm.apis import fuse_pair, init_fusion_model
    torch.manual_seed(0)
    weights = tmp_path / 'w.pth'
    torch.save(init_fusion_model(CONFIG).state_dict(), weights)
    ir, vis = write_pairs(tmp_path, 6, size=(96, 128))
    model = [CONFIG, weights, '--ir', ir, '--vis', vis]
    out = tmp_path / 'out'
    proc = subprocess.Popen(
        [sys.executable, 'tools/fuse.py', *map(str, model), '--out',
         str(out)],
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    while proc.poll() is None:  # kill at the first complete output
        if list((out / 'fused_rgb').glob('*.png')):
            proc.send_signal(signal.SIGKILL)
        time.sleep(0.01)
    assert list((out / 'fused_rgb').glob('*.png'))
    result = fuse(*model, '--out', out)
    fused = re.search(r'^fused (\d+) pair', result.stdout, re.M)
    skipped = 6 - int(fused.group(1))
    assert skipped >= 1 and f'skipped {skipped} pair(s)' in result.stdout
    assert not list(out.rglob('*.tmp'))
    net = init_fusion_model(CONFIG, str(weights))
    for stem in (f'p{i}' for i in range(6)):  # as an uninterrupted run
        want = fuse_pair(net, str(ir / f'{stem}.png'),
                         str(vis / f'{stem}.png'))
        got = [
            cv2.imread(str(p), cv2.IMREAD_UNCHANGED)
            for p in outputs(out, stem)
        ]
        assert np.array_equal(got[0], want.fused), stem
        assert np.array_equal(got[1], want.fused_rgb[..., ::-1]), stem
