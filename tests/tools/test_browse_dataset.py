"""tools/analysis_tools/browse_dataset.py on generated labelled and
label-free folders."""
import os

import cv2
import numpy as np
from data_paths import REPO_ROOT

from segfanet_mm.datasets import PotsdamFusionDataset
from tools.analysis_tools import browse_dataset

POTSDAM_CONFIG = 'configs/segfanet/segfanet-s_1xb4-80k_potsdam-512x512.py'
H, W, GAP = 24, 32, browse_dataset.GAP


def write_pairs(root, split, stems, with_ann=True):
    rng = np.random.default_rng(0)
    keys = ('vis', 'ir', 'ann') if with_ann else ('vis', 'ir')
    for key in keys:
        os.makedirs(root / key / split, exist_ok=True)
    for stem in stems:
        cv2.imwrite(
            str(root / 'vis' / split / f'{stem}.png'),
            rng.integers(0, 256, (H, W, 3), dtype=np.uint8))
        cv2.imwrite(
            str(root / 'ir' / split / f'{stem}.png'),
            rng.integers(0, 256, (H, W), dtype=np.uint8))
        if with_ann:
            label = rng.integers(0, 6, (H, W), dtype=np.uint8)
            label[:4] = 255
            cv2.imwrite(str(root / 'ann' / split / f'{stem}.png'), label)


def panel(img, i):
    return img[:, i * (W + GAP):i * (W + GAP) + W]


def test_labelled_panels_match_sources(tmp_path):
    root = tmp_path / 'potsdam'
    write_pairs(root, 'val', ['2_13_0_0', '2_13_0_512', '2_14_0_0'])
    out = browse_dataset.main([
        str(REPO_ROOT / POTSDAM_CONFIG), '--split', 'val', '--num', '2',
        '--out',
        str(tmp_path / 'browse'), '--cfg-options',
        f'val_dataloader.dataset.data_root={root}'
    ])
    assert sorted(os.listdir(out)) == ['2_13_0_0.png', '2_13_0_512.png']
    img = cv2.imread(os.path.join(out, '2_13_0_0.png'))[..., ::-1]
    assert img.shape == (H, 4 * W + 3 * GAP, 3)
    ir = cv2.imread(str(root / 'ir/val/2_13_0_0.png'), cv2.IMREAD_GRAYSCALE)
    vis = cv2.imread(str(root / 'vis/val/2_13_0_0.png'))[..., ::-1]
    label = cv2.imread(
        str(root / 'ann/val/2_13_0_0.png'), cv2.IMREAD_UNCHANGED)
    assert (panel(img, 0) == ir[..., None]).all()
    assert (panel(img, 1) == vis).all()
    palette = np.array(PotsdamFusionDataset.METAINFO['palette'], np.uint8)
    valid = label != 255
    assert (panel(img, 2)[valid] == palette[label[valid]]).all()
    assert (panel(img, 2)[~valid] == browse_dataset.IGNORE_COLOUR).all()
    overlay = vis[valid] // 2 + palette[label[valid]] // 2
    assert (panel(img, 3)[valid] == overlay).all()
    assert (panel(img, 3)[~valid] == vis[~valid]).all()


def test_label_free_data_gets_two_panels(tmp_path):
    root = tmp_path / 'roadscene'
    write_pairs(root, '', ['FLIR_00006', 'FLIR_00018'], with_ann=False)
    out = browse_dataset.main([
        str(REPO_ROOT / 'configs/_base_/datasets/roadscene.py'), '--out',
        str(tmp_path / 'browse'), '--cfg-options',
        f'train_dataloader.dataset.data_root={root}'
    ])
    files = sorted(os.listdir(out))
    assert files == ['FLIR_00006.png', 'FLIR_00018.png']
    img = cv2.imread(os.path.join(out, files[0]))
    # Training pipeline: random 256 x 256 crops of a 24 x 32 image keep it.
    assert img.shape == (H, 2 * W + GAP, 3)
