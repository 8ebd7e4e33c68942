"""tools/test.py with the released config and a user's own test data never
touches the training data (issue 19, item 9): the config's train data_root
does not exist, and testing still runs, draws its panels and writes maps."""
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from data_paths import REPO_ROOT
from tool_runs import run_tool

CONFIG = 'configs/segfanet/segfanet-s_1xb8-800i_msrs-192x192.py'
WEIGHTS = REPO_ROOT / 'checkpoints' / 'segfanet-s_msrs.pth'


def write_test_split(root: Path, stems, h=96, w=128) -> None:
    """``root/val/{vis,ir,label}/<stem>.png``, the layout of the released
    config's data (``_base_/datasets/msrs_seg.py``), 9 classes."""
    rng = np.random.default_rng(0)
    for folder in ('vis', 'ir', 'label'):
        (root / 'val' / folder).mkdir(parents=True)
    for stem in stems:
        cv2.imwrite(
            str(root / 'val' / 'vis' / f'{stem}.png'),
            rng.integers(0, 256, (h, w, 3), dtype=np.uint8))
        cv2.imwrite(
            str(root / 'val' / 'ir' / f'{stem}.png'),
            rng.integers(0, 256, (h, w), dtype=np.uint8))
        cv2.imwrite(
            str(root / 'val' / 'label' / f'{stem}.png'),
            rng.integers(0, 9, (h, w), dtype=np.uint8))


@pytest.mark.slow
def test_testing_never_builds_the_training_data(tmp_path):
    if not WEIGHTS.is_file():
        pytest.skip(f'{WEIGHTS} not found')
    user = tmp_path / 'my_data'
    write_test_split(user, ['n1', 'n2'])
    missing = tmp_path / 'no_training_data_here'
    out = run_tool([
        sys.executable, 'tools/test.py', CONFIG,
        str(WEIGHTS), '--work-dir',
        str(tmp_path / 'work'), '--out',
        str(tmp_path / 'out'), '--cfg-options',
        f'train_dataloader.dataset.data_root={missing}',
        f'val_dataloader.dataset.data_root={missing}',
        f'test_dataloader.dataset.data_root={user}',
        'test_dataloader.num_workers=0', 'test_dataloader.persistent_workers=0'
    ])
    assert out.returncode == 0, out.stderr[-3000:]
    assert not missing.exists()
    assert sorted(p.name for p in (tmp_path / 'out' / 'seg').iterdir()) == [
        'n1.png', 'n2.png'
    ]
    panels = list((tmp_path / 'work').glob('*/vis_data/vis_image/test_*.png'))
    assert panels  # FusionVisualizationHook drew without the training data
