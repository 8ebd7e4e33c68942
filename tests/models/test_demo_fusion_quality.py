"""After a short demo training, the fused image keeps the IR targets at
night and the visible texture by day, where a plain average halves both."""
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from data_paths import REPO_ROOT
from tool_runs import run_tool

from segfanet_mm.apis import fuse_pair, init_fusion_model
from segfanet_mm.datasets.transforms import load_infrared, load_visible

CONFIG = 'configs/segfanet/segfanet-s_1xb4-400i_demo-128x128.py'


@pytest.fixture(scope='module')
def trained(tmp_path_factory, demo_root):
    work = tmp_path_factory.mktemp('quality')
    out = run_tool([
        sys.executable, 'tools/train.py', CONFIG, '--work-dir',
        str(work), '--cfg-options', 'train_cfg.max_iters=100',
        f'data_root={demo_root}', 'train_cfg.val_interval=1000',
        'default_hooks.checkpoint.interval=100'
    ],
                   timeout=900)
    assert out.returncode == 0, out.stderr[-3000:]
    model = init_fusion_model(REPO_ROOT / CONFIG, str(work / 'iter_100.pth'))
    return model, Path(demo_root)


def gradient(x: np.ndarray) -> np.ndarray:
    return np.hypot(
        cv2.Sobel(x, cv2.CV_64F, 1, 0), cv2.Sobel(x, cv2.CV_64F, 0, 1))


def scenes(root: Path, night: bool):
    for index in range(64, 80):
        if index % 2 != night:
            continue
        stem = f'{index:04d}_{"night" if night else "day"}'
        ir = load_infrared(str(root / 'ir/val' / f'{stem}.png'))
        vis = load_visible(str(root / 'vis/val' / f'{stem}.png'))
        target = cv2.imread(str(root / 'ann/val' / f'{stem}.png'), 0) > 0
        yield ir, vis, target


@pytest.mark.slow
def test_night_targets_keep_their_infrared_contrast(trained):
    """Target-vs-surround contrast of the fused image, relative to IR's."""
    model, root = trained
    fused_ratio, average_ratio = [], []
    for ir, vis, target in scenes(root, night=True):
        fused = fuse_pair(model, ir, vis).fused.astype(float)
        y = cv2.cvtColor(vis, cv2.COLOR_RGB2GRAY).astype(float)
        ring = cv2.dilate(target.astype(np.uint8), np.ones(
            (9, 9))).astype(bool) & ~target
        contrast = lambda x: x[target].mean() - x[ring].mean()  # noqa
        ir = ir.astype(float)
        fused_ratio.append(contrast(fused) / contrast(ir))
        average_ratio.append(contrast((ir + y) / 2) / contrast(ir))
    assert all(f > a for f, a in zip(fused_ratio, average_ratio))
    assert np.mean(fused_ratio) > np.mean(average_ratio) + 0.3


@pytest.mark.slow
def test_day_background_keeps_visible_texture(trained):
    """Background gradient energy of the fused image, relative to visible
    Y's."""
    model, root = trained
    fused_ratio, average_ratio = [], []
    for ir, vis, target in scenes(root, night=False):
        fused = fuse_pair(model, ir, vis).fused.astype(float)
        y = cv2.cvtColor(vis, cv2.COLOR_RGB2GRAY).astype(float)
        background = cv2.erode((~target).astype(np.uint8), np.ones(
            (7, 7))).astype(bool)
        texture = lambda x: gradient(x)[background].mean()  # noqa
        fused_ratio.append(texture(fused) / texture(y))
        average_ratio.append(texture((ir.astype(float) + y) / 2) / texture(y))
    assert all(f > a for f, a in zip(fused_ratio, average_ratio))
    assert np.mean(fused_ratio) > np.mean(average_ratio) + 0.15
