"""A folder of broken inputs through the dataset loader and tools/fuse.py:
every item either works by a documented conversion or fails with an error
that names the file, and no output is left half-written."""
import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from segfanet_mm.datasets import DatasetLayoutError, IVFDataset
from segfanet_mm.datasets.transforms import ImageReadError

REPO = Path(__file__).resolve().parents[1]
H, W = 48, 64
WORKS = {'jpeg_as_png', 'rgba_vis', 'ir16', 'ir_rgb_grey', 'good'}
FAILS = {
    'zero_byte': 'file is empty',
    'truncated': 'cannot be decoded',
    'mismatch': 'size mismatch',
    'bad_label': 'out of range',
}


def _png(img):
    return cv2.imencode('.png', img)[1].tobytes()


def make_corpus(root: Path) -> Path:
    """root/{vis,ir,ann}/<case>.png plus a stray non-image file."""
    rng = np.random.default_rng(0)
    for d in ('vis', 'ir', 'ann'):
        (root / d).mkdir(parents=True)
    vis = rng.integers(0, 256, (H, W, 3), dtype=np.uint8)
    ir = rng.integers(0, 256, (H, W), dtype=np.uint8)
    label = rng.integers(0, 3, (H, W), dtype=np.uint8)
    for case in WORKS | set(FAILS):
        (root / 'vis' / f'{case}.png').write_bytes(_png(vis))
        (root / 'ir' / f'{case}.png').write_bytes(_png(ir))
        (root / 'ann' / f'{case}.png').write_bytes(_png(label))
    (root / 'vis' / 'zero_byte.png').write_bytes(b'')
    (root / 'ir' / 'truncated.png').write_bytes(_png(ir)[:150])
    (root / 'vis' / 'jpeg_as_png.png').write_bytes(
        cv2.imencode('.jpg', vis)[1].tobytes())
    (root / 'vis' / 'rgba_vis.png').write_bytes(
        _png(np.dstack([vis, np.full((H, W), 128, np.uint8)])))
    (root / 'ir' / 'ir16.png').write_bytes(_png(ir.astype(np.uint16) * 200))
    (root / 'ir' / 'ir_rgb_grey.png').write_bytes(_png(np.dstack([ir] * 3)))
    (root / 'ir' / 'mismatch.png').write_bytes(_png(ir[:-2]))
    bad = label.copy()
    bad[0, 0] = 9
    (root / 'ann' / 'bad_label.png').write_bytes(_png(bad))
    (root / 'vis' / 'README.txt').write_text('not an image')
    return root


@pytest.fixture
def corpus(tmp_path):
    return make_corpus(tmp_path / 'corpus')


def test_dataset_loader_on_corpus(corpus):
    ds = IVFDataset(
        data_root=str(corpus),
        metainfo=dict(classes=('a', 'b', 'c')),
        pipeline=[dict(type='LoadIRVisPair'),
                  dict(type='LoadIVFAnnotations'),
                  dict(type='PackIVFInputs')])
    assert len(ds) == len(WORKS) + len(FAILS)  # README.txt ignored
    for i in range(len(ds)):
        case = Path(ds.get_data_info(i)['vis_path']).stem
        if case in WORKS:
            sample = ds[i]
            assert sample['inputs'].shape == (4, H, W)
            assert sample['inputs'].dtype == torch.uint8
            continue
        with pytest.raises(ImageReadError) as err:
            ds[i]
        assert FAILS[case] in str(err.value)
        assert f'{case}.png' in str(err.value)


def test_empty_split_file_is_named(corpus):
    (corpus / 'split.txt').write_text('')
    with pytest.raises(DatasetLayoutError, match='split.txt: split file '):
        IVFDataset(data_root=str(corpus), ann_file='split.txt',
                   metainfo=dict(classes=('a', 'b', 'c')))


def test_fuse_tool_on_corpus(corpus, tmp_path):
    torch.manual_seed(0)
    from segfanet_mm.apis import init_fusion_model
    model = init_fusion_model('configs/segfanet_demo.py')
    weights = tmp_path / 'w.pth'
    torch.save(model.state_dict(), weights)
    out_dir = tmp_path / 'out'
    out = subprocess.run(
        [sys.executable, 'tools/fuse.py', 'configs/segfanet_demo.py',
         str(weights), '--ir', str(corpus / 'ir'), '--vis',
         str(corpus / 'vis'), '--out', str(out_dir)],
        cwd=REPO, capture_output=True, text=True, timeout=600)
    assert out.returncode == 1  # some pairs failed, and it says so
    assert 'Traceback' not in out.stderr
    for case, problem in FAILS.items():
        if case == 'bad_label':  # fuse.py reads no labels: it works
            continue
        line = [ln for ln in out.stderr.splitlines() if f'{case}.png' in ln]
        assert line and problem in line[0], out.stderr
    written = sorted(p.stem for p in (out_dir / 'fused').iterdir())
    assert written == sorted(WORKS | {'bad_label'})
    leftovers = [p for p in out_dir.rglob('*') if p.name.endswith('.tmp')]
    assert not leftovers
    for stem in written:
        assert cv2.imread(str(out_dir / 'fused_rgb' / f'{stem}.png')).shape \
            == (H, W, 3)


@pytest.mark.parametrize('case, problem', [
    ('zero_byte', 'not a readable TIFF'),
    ('truncated', 'not a readable TIFF'),
    ('png_named_tif', 'not a readable TIFF'),
])
def test_whu_converter_on_broken_scene_files(tmp_path, case, problem):
    """A broken optical scene is reported with its name; the other scenes
    are converted and nothing is half-written."""
    import tifffile

    from tools.dataset_converters import whu_opt_sar
    src = tmp_path / 'WHU-OPT-SAR'
    for sub in ('optical', 'lbl'):
        (src / sub).mkdir(parents=True)
    for name in ('A_good', 'B_bad'):
        tifffile.imwrite(src / 'optical' / f'{name}.tif',
                         np.full((32, 32, 4), 50, np.uint8))
        tifffile.imwrite(src / 'lbl' / f'{name}.tif',
                         np.full((32, 32), 20, np.uint8))
    (src / 'optical' / 'notes.txt').write_text('not a scene')
    bad = src / 'optical' / 'B_bad.tif'
    if case == 'zero_byte':
        bad.write_bytes(b'')
    elif case == 'truncated':
        bad.write_bytes(bad.read_bytes()[:300])
    else:
        bad.write_bytes(_png(np.zeros((32, 32, 3), np.uint8)))
    out = tmp_path / 'whu'
    stats = whu_opt_sar.main([str(src), '--out', str(out), '--tile-size',
                              '16', '--split', 'hash'])
    assert list(stats['failed']) == ['B_bad'] and stats['converted'] == 1
    assert 'B_bad.tif' in stats['failed']['B_bad']
    assert problem in stats['failed']['B_bad']
    assert not [p for p in out.rglob('*') if p.name.endswith('.tmp')]
    for tile in out.rglob('*.png'):
        assert cv2.imread(str(tile), cv2.IMREAD_UNCHANGED) is not None
