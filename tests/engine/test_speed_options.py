"""Speed options give the same results: bf16 autocast (--amp),
channels-last memory format (--channels-last) and torch.compile
(--compile), on the SegFANet-S forward pass, and through tools/train.py on
the tiny early-fusion baseline (tracing for torch.compile alone takes 50 s
for SegFANet-S's training step on 2 cores, 25 s for the tiny model)."""
import copy
import json
import os
import sys

import pytest
import torch
from data_paths import REPO_ROOT
from mmengine.config import Config
from mmseg.registry import MODELS
from tool_runs import run_tool

CONFIG = 'configs/segfanet/segfanet-s_1xb4-400i_demo-128x128.py'
TINY = 'tests/fixtures/tiny_baseline.py'
SHORT = [
    'train_cfg.max_iters=3', 'train_cfg.val_interval=1000',
    'default_hooks.logger.interval=1', 'default_hooks.checkpoint.interval=3',
    'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=0',
    'model.decode_head.dropout_ratio=0.0'
]


@pytest.fixture(scope='module')
def model_and_input():
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(REPO_ROOT / CONFIG).model).eval()
    return model, torch.rand(2, 4, 96, 128)


@torch.no_grad()
def forward(model, x):
    seg_logits, fused = model(x, mode='tensor')
    return seg_logits.float(), fused.float()


def test_bf16_autocast_forward_close_to_fp32(model_and_input):
    model, x = model_and_input
    ref = forward(model, x)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        amp = forward(model, x)
    for r, a in zip(ref, amp):
        assert (r - a).abs().max() < 0.02
        assert (r - a).abs().mean() < 0.005
    assert not torch.equal(ref[1], amp[1])  # autocast really ran in bf16


def test_channels_last_forward_equals_contiguous(model_and_input):
    model, x = model_and_input
    ref = forward(model, x)
    nhwc = copy.deepcopy(model).to(memory_format=torch.channels_last)
    out = forward(nhwc, x)
    assert out[1].is_contiguous(memory_format=torch.channels_last)
    for r, o in zip(ref, out):
        torch.testing.assert_close(o, r, rtol=1e-5, atol=1e-5)


@pytest.mark.slow
def test_compiled_forward_equals_eager(model_and_input):
    """Dynamo graph capture + AOT autograd (``aot_eager``); the default
    inductor backend is exercised by the slow variant below."""
    model, x = model_and_input
    ref = forward(model, x)
    out = forward(torch.compile(model, backend='aot_eager'), x)
    for r, o in zip(ref, out):
        torch.testing.assert_close(o, r, rtol=1e-5, atol=1e-5)


@pytest.mark.skipif(
    os.environ.get('SEGFANET_TEST_INDUCTOR') != '1',
    reason='inductor compiles C++ kernels for minutes on a 2-core CPU; '
    'set SEGFANET_TEST_INDUCTOR=1')
def test_inductor_forward_equals_eager(model_and_input):
    model, x = model_and_input
    ref = forward(model, x)
    out = forward(torch.compile(model), x)
    for r, o in zip(ref, out):
        torch.testing.assert_close(o, r, rtol=1e-4, atol=1e-4)


def train_losses(work, demo_root, *flags):
    run = run_tool([
        sys.executable, 'tools/train.py', TINY, '--work-dir',
        str(work), *flags, '--cfg-options', f'data_root={demo_root}', *SHORT
    ],
                   fixtures=True,
                   timeout=900)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-3000:]
    rows = [
        json.loads(line) for log in work.glob('*/vis_data/scalars.json')
        for line in log.read_text().splitlines()
    ]
    return {row['iter']: row['loss'] for row in rows if 'loss' in row}, \
        run.stdout + run.stderr


@pytest.mark.slow
def test_train_cli_speed_options_match_plain_run(tmp_path, demo_root):
    plain, _ = train_losses(tmp_path / 'plain', demo_root)
    fast, log = train_losses(tmp_path / 'fast', demo_root, '--channels-last',
                             '--compile', '--cfg-options',
                             'compile.backend=aot_eager')
    assert 'compiled' in log
    assert sorted(plain) == sorted(fast) == [1, 2, 3]
    for it in plain:
        assert fast[it] == pytest.approx(plain[it], rel=1e-4)
    amp, log = train_losses(tmp_path / 'amp', demo_root, '--amp')
    assert 'CPUBF16OptimWrapper' in log
    assert amp[1] == pytest.approx(plain[1], rel=0.02)
    assert amp[1] != plain[1]
