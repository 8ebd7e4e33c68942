"""tools/dataset_converters/whu_opt_sar.py on generated WHU-OPT-SAR scenes."""
import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
import tifffile

from segfanet_mm.datasets.converters import (ConversionError, tiling,
                                             to_uint8)
from tools.dataset_converters import whu_opt_sar

REPO = Path(__file__).resolve().parents[2]
# Names chosen so the hash split sends one scene to each split.
SCENES = dict(NH49E001013='train', NH51E003011='val', NH49E002014='test')
H, W, TILE = 40, 56, 16  # origins y 0, 16, 24 and x 0, 16, 32, 40
TILES_PER_SCENE = 3 * 4


def band_planes(shape, dtype=np.uint8):
    """R, G, B and NIR planes that differ at every pixel (R - B = 60 + x,
    so a red/blue swap shows in every tile)."""
    y, x = np.indices(shape)
    return dict(R=100 + x % 100, G=50 + y % 100, B=40 - x % 40,
                NIR=180 + (x + y) % 70)


def write_scene(src, name, shape=(H, W), bands=4, label_value=30,
                label_shape=None, dtype=np.uint8, planar=False):
    """Bands stored as the release stores them, B, G, R, NIR (``bands`` < 4
    drops the last ones), interleaved or band-sequential (``planar``); the
    label is 0 except a block of ``label_value`` at rows 16..31, columns
    32..47."""
    planes = band_planes(shape)
    img = np.stack([planes[b] for b in ('B', 'G', 'R', 'NIR')[:bands]],
                   -1).astype(dtype)
    label = np.zeros(label_shape or shape, np.uint8)
    label[16:32, 32:48] = label_value
    for sub in ('optical', 'lbl'):
        os.makedirs(src / sub, exist_ok=True)
    if planar:
        tifffile.imwrite(src / 'optical' / f'{name}.tif',
                         img.transpose(2, 0, 1), planarconfig='separate',
                         photometric='minisblack')
    else:
        tifffile.imwrite(src / 'optical' / f'{name}.tif', img)
    tifffile.imwrite(src / 'lbl' / f'{name}.tif', label)


def read_tile(out, modality, split, stem):
    """A written tile as stored (visible: RGB)."""
    img = cv2.imread(str(out / modality / split / f'{stem}.png'),
                     cv2.IMREAD_UNCHANGED)
    return img[..., ::-1] if modality == 'vis' else img


@pytest.fixture
def src(tmp_path):
    root = tmp_path / 'WHU-OPT-SAR'
    for name in SCENES:
        write_scene(root, name)
    return root


def convert(src, out, *extra):
    return whu_opt_sar.main([str(src), '--out', str(out), '--tile-size',
                             str(TILE), *extra])


def tile_files(out):
    return sorted(
        str(p.relative_to(out)) for p in out.rglob('*.png'))


def test_tiles_bands_labels_and_split(src, tmp_path):
    out = tmp_path / 'whu'
    stats = convert(src, out)
    assert stats == dict(scenes=3, converted=3, written=3 * 3 * 12, kept=0)
    for name, split in SCENES.items():
        for key in ('vis', 'ir', 'ann'):
            tiles = sorted((out / key / split).glob(f'{name}_*.png'))
            assert len(tiles) == TILES_PER_SCENE
    assert (out / 'vis/train/NH49E001013_24_40.png').is_file()  # edge tile
    planes = band_planes((H, W))
    rgb = np.stack([planes[c] for c in 'RGB'], -1)
    for y, x in ((0, 0), (16, 32), (24, 40)):  # inner and edge tiles
        stem = f'NH51E003011_{y}_{x}'
        vis, ir = read_tile(out, 'vis', 'val', stem), read_tile(
            out, 'ir', 'val', stem)
        assert vis.shape == (TILE, TILE, 3) and ir.shape == (TILE, TILE)
        np.testing.assert_array_equal(vis, rgb[y:y + TILE, x:x + TILE])
        np.testing.assert_array_equal(
            ir, planes['NIR'][y:y + TILE, x:x + TILE])
    ann = cv2.imread(str(out / 'ann/test/NH49E002014_16_32.png'),
                     cv2.IMREAD_UNCHANGED)
    assert (ann == 3).all()  # value 30 = village = class index 3
    ann = cv2.imread(str(out / 'ann/test/NH49E002014_0_0.png'),
                     cv2.IMREAD_UNCHANGED)
    assert (ann == 0).all()  # background kept as class 0


def test_band_order_option_and_planar_uint16_stretch(tmp_path):
    src = tmp_path / 'src'
    write_scene(src, 'NH49E001013', dtype=np.uint16, planar=True)
    out = tmp_path / 'whu'
    convert(src, out, '--bands', '0', '1', '2', '3')  # read as R, G, B
    vis = read_tile(out, 'vis', 'train', 'NH49E001013_0_0')
    # --bands 0 1 2 3 takes the stored B plane as red; the three planes are
    # stretched jointly over the whole scene.
    planes = band_planes((H, W))
    stored = np.stack([planes[c] for c in 'BGR'], -1).astype(np.uint16)
    assert vis.dtype == np.uint8
    np.testing.assert_array_equal(vis, to_uint8(stored)[:TILE, :TILE])
    assert vis[..., 2].max() > planes['R'][:TILE, :TILE].max()


def test_rerun_repairs_interrupted_output(src, tmp_path, monkeypatch,
                                          capsys):
    out = tmp_path / 'whu'
    real_write, calls = tiling.atomic_imwrite, []

    def crash_on_50th(path, image):
        calls.append(path)
        if len(calls) == 50:
            raise KeyboardInterrupt  # simulated kill in the second scene
        real_write(path, image)

    monkeypatch.setattr(tiling, 'atomic_imwrite', crash_on_50th)
    with pytest.raises(KeyboardInterrupt):
        convert(src, out)
    monkeypatch.undo()
    assert len(list((out / '.manifests').glob('*.json'))) == 1
    assert len(tile_files(out)) == 49
    stray = out / 'vis' / 'train' / '.NH49E001013_0_0.png.x1y2.tmp'
    stray.write_bytes(b'half')
    os.remove(out / 'ann' / 'train' / 'NH49E001013_0_16.png')

    stats = convert(src, out)
    assert not stray.exists()
    assert 'removed 1 temporary file' in capsys.readouterr().out
    assert stats['converted'] == 3 and stats['kept'] == 48
    assert stats['written'] == 3 * 3 * 12 - 48
    files = tile_files(out)
    assert len(files) == len(set(files)) == 3 * 3 * 12

    mtimes = {f: os.stat(out / f).st_mtime_ns for f in files}
    stats = convert(src, out)
    assert stats['converted'] == 0 and stats['written'] == 0
    assert 'nothing to do' in capsys.readouterr().out
    assert {f: os.stat(out / f).st_mtime_ns for f in files} == mtimes


def test_other_settings_in_same_output_are_refused(src, tmp_path):
    out = tmp_path / 'whu'
    convert(src, out)
    with pytest.raises(ConversionError, match='tile_size: 16 -> 8'):
        whu_opt_sar.main([str(src), '--out', str(out), '--tile-size', '8'])


@pytest.mark.parametrize('problem, message', [
    ('missing_label', r'lbl/NH49E001013\.tif: label missing for scene'),
    ('size', r'size mismatch: .*lbl/NH49E001013\.tif is 56x41'),
    ('value', r'lbl/NH49E001013\.tif: unknown label value\(s\) 35'),
    ('bands', r'optical/NH49E001013\.tif: expected 4 band\(s\)'),
])
def test_errors_name_the_file(tmp_path, problem, message):
    src = tmp_path / 'src'
    write_scene(
        src, 'NH49E001013',
        bands=3 if problem == 'bands' else 4,
        label_value=35 if problem == 'value' else 30,
        label_shape=(H + 1, W) if problem == 'size' else None)
    if problem == 'missing_label':
        os.remove(src / 'lbl' / 'NH49E001013.tif')
    with pytest.raises(ConversionError, match=message):
        convert(src, tmp_path / 'whu')


@pytest.mark.slow
def test_command_line_in_parallel(src, tmp_path):
    out = tmp_path / 'whu'
    run = subprocess.run(
        [sys.executable, 'tools/dataset_converters/whu_opt_sar.py',
         str(src), '--out', str(out), '--tile-size', str(TILE), '--nproc',
         '2'], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert 'converting 3 of 3 scenes' in run.stdout
    assert len(tile_files(out)) == 3 * 3 * 12
