"""tools/dataset_converters/whu_opt_sar.py on generated WHU-OPT-SAR scenes,
laid out as the release: image/ (or optical/), lbl/, sar/, compressed
GeoTIFFs, optical bands stored B, G, R, NIR."""
import os
import re
import sys

import cv2
import numpy as np
import pytest
import tifffile
import tiling
import whu_opt_sar
from raster import ConversionError, to_uint8
from tiling import run_command
from tool_runs import run_tool

# Scenes of the official split list, with their official split.
SCENES = dict(NH49E001013='train', NH49E001014='test', NH49E002014='train')
# Names the hash split sends to train, val and test.
HASHED = dict(NH49E001013='train', NH51E003011='val', NH49E002014='test')
H, W, TILE = 40, 56, 16  # origins y 0, 16, 24 and x 0, 16, 32, 40
TILES_PER_SCENE = 3 * 4
# GeoTIFF tags of a 5 m grid (pixel scale, tie point, geokeys), as written
# by GIS software; tifffile must read past them.
GEOTIFF_TAGS = [(33550, 'd', 3, (5.0, 5.0, 0.0)),
                (33922, 'd', 6, (0.0, 0.0, 0.0, 500000.0, 3500000.0, 0.0)),
                (34735, 'H', 8, (1, 1, 0, 1, 1024, 0, 1, 1))]


def band_planes(shape):
    """R, G, B and NIR planes that differ at every pixel (R - B = 60 + x,
    so a red/blue swap shows in every tile)."""
    y, x = np.indices(shape)
    return dict(
        R=100 + x % 100, G=50 + y % 100, B=40 - x % 40, NIR=180 + (x + y) % 70)


def write_scene(src,
                name,
                shape=(H, W),
                bands=4,
                label_value=30,
                label_shape=None,
                dtype=np.uint8,
                planar=False,
                folder='image',
                compression='lzw'):
    """Bands stored as the release stores them, B, G, R, NIR (``bands`` < 4
    drops the last ones), interleaved or band-sequential (``planar``),
    LZW-compressed GeoTIFFs; the label is 0 except a block of
    ``label_value`` at rows 16..31, columns 32..47; a SAR image that the
    converter must ignore."""
    planes = band_planes(shape)
    img = np.stack([planes[b] for b in ('B', 'G', 'R', 'NIR')[:bands]],
                   -1).astype(dtype)
    label = np.zeros(label_shape or shape, np.uint8)
    label[16:32, 32:48] = label_value
    for sub in (folder, 'lbl', 'sar'):
        os.makedirs(src / sub, exist_ok=True)
    if planar:
        img = img.transpose(2, 0, 1)
    tifffile.imwrite(
        src / folder / f'{name}.tif',
        img,
        planarconfig='separate' if planar else 'contig',
        photometric='minisblack',
        compression=compression,
        extratags=GEOTIFF_TAGS)
    tifffile.imwrite(
        src / 'lbl' / f'{name}.tif',
        label,
        compression=compression,
        extratags=GEOTIFF_TAGS)
    tifffile.imwrite(src / 'sar' / f'{name}.tif', np.ones(shape, np.float32))


def read_tile(out, modality, split, stem):
    """A written tile as stored (visible: RGB)."""
    img = cv2.imread(
        str(out / modality / split / f'{stem}.png'), cv2.IMREAD_UNCHANGED)
    return img[..., ::-1] if modality == 'vis' else img


@pytest.fixture
def src(tmp_path):
    root = tmp_path / 'WHU-OPT-SAR'
    for name in SCENES:
        write_scene(root, name)
    return root


def convert(src, out, *extra):
    return whu_opt_sar.main(
        [str(src), '--out',
         str(out), '--tile-size',
         str(TILE), *extra])


def tile_files(out):
    return sorted(str(p.relative_to(out)) for p in out.rglob('*.png'))


def test_tiles_bands_labels_and_official_split(src, tmp_path, capsys):
    out = tmp_path / 'whu'
    stats = convert(src, out)
    assert stats == dict(
        scenes=3, converted=3, written=3 * 3 * 12, kept=0, failed={})
    for name, split in SCENES.items():
        for key in ('vis', 'ir', 'ann'):
            tiles = sorted((out / key / split).glob(f'{name}_*.png'))
            assert len(tiles) == TILES_PER_SCENE
    assert not (out / 'vis' / 'val').exists()  # the official split has none
    assert '97 of the 100 scenes of' in capsys.readouterr().out
    assert (out / 'vis/train/NH49E001013_24_40.png').is_file()  # edge tile
    planes = band_planes((H, W))
    rgb = np.stack([planes[c] for c in 'RGB'], -1)
    for y, x in ((0, 0), (16, 32), (24, 40)):  # inner and edge tiles
        stem = f'NH49E001014_{y}_{x}'
        vis, ir = read_tile(out, 'vis', 'test',
                            stem), read_tile(out, 'ir', 'test', stem)
        assert vis.shape == (TILE, TILE, 3) and ir.shape == (TILE, TILE)
        np.testing.assert_array_equal(vis, rgb[y:y + TILE, x:x + TILE])
        np.testing.assert_array_equal(ir, planes['NIR'][y:y + TILE,
                                                        x:x + TILE])
    ann = read_tile(out, 'ann', 'train', 'NH49E002014_16_32')
    assert (ann == 3).all()  # value 30 = village = class index 3
    ann = read_tile(out, 'ann', 'train', 'NH49E002014_0_0')
    assert (ann == 0).all()  # background kept as class 0


def test_hash_split_option(tmp_path):
    src = tmp_path / 'src'
    for name in HASHED:
        write_scene(src, name)
    out = tmp_path / 'whu'
    assert not convert(src, out, '--split', 'hash')['failed']
    for name, split in HASHED.items():
        assert len(list((out / 'ann' / split).glob(f'{name}_*.png'))) == \
            TILES_PER_SCENE


def test_official_split_file_is_the_maintainers_list():
    splits = whu_opt_sar.read_split_file(whu_opt_sar.OFFICIAL_SPLIT_FILE)
    train = sorted(s for s, split in splits.items() if split == 'train')
    test = sorted(s for s, split in splits.items() if split == 'test')
    assert (len(train), len(test)) == (80, 20)
    assert train[:2] == ['NH49E001013', 'NH49E002014']
    assert test[:3] == ['NH49E001014', 'NH49E001017', 'NH49E002012']
    assert test[-1] == 'NH50E014003' and 'NI49E024020' in train


def test_split_file_in_the_maintainers_format(tmp_path):
    path = tmp_path / 'The division of the dataset.txt'
    path.write_bytes(b'train:\r\nA.tif\r\nB.tif\r\n\r\ntest:\r\nC.tif\r\n')
    assert whu_opt_sar.read_split_file(str(path)) == dict(
        A='train', B='train', C='test')
    path.write_text('train:\nA.tif\ntest:\nA.tif\n')
    with pytest.raises(ConversionError, match=r'A\.tif\' listed twice'):
        whu_opt_sar.read_split_file(str(path))
    path.write_text('A.tif\n')
    with pytest.raises(ConversionError, match=r':1: .* before any'):
        whu_opt_sar.read_split_file(str(path))
    path.write_text('training:\nA.tif\n')
    with pytest.raises(ConversionError, match=r"unknown split 'training:'"):
        whu_opt_sar.read_split_file(str(path))


def test_band_order_option_and_planar_uint16_stretch(tmp_path):
    src = tmp_path / 'src'
    write_scene(
        src,
        'NH49E001013',
        dtype=np.uint16,
        planar=True,
        compression='deflate')
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


def test_rerun_repairs_interrupted_output(src, tmp_path, monkeypatch, capsys):
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
    ('missing_label', r'lbl/NH49E001014\.tif: label missing'),
    ('narrower', r'size mismatch: .*lbl/NH49E001014\.tif is 55x40'),
    ('value', r'lbl/NH49E001014\.tif: unknown label value\(s\) 35'),
    ('bands', r'image/NH49E001014\.tif: expected 4 band\(s\)'),
    ('not_listed', r'image/NH49E001014\.tif: scene not in the split list'),
])
def test_bad_scene_is_reported_and_the_others_converted(
        src, tmp_path, problem, message, capsys):
    if problem == 'missing_label':
        os.remove(src / 'lbl' / 'NH49E001014.tif')
    else:
        write_scene(
            src,
            'NH49E001014',
            bands=3 if problem == 'bands' else 4,
            label_value=35 if problem == 'value' else 30,
            label_shape=(H, W - 1) if problem == 'narrower' else None)
    extra = ()
    if problem == 'not_listed':
        split_file = tmp_path / 'split.txt'
        split_file.write_text('train:\nNH49E001013.tif\nNH49E002014.tif\n')
        extra = ('--split-file', str(split_file))
    out = tmp_path / 'whu'
    stats = convert(src, out, *extra)
    assert list(stats['failed']) == ['NH49E001014']
    assert re.search(message, stats['failed']['NH49E001014'])
    assert stats['converted'] == 2
    assert len(tile_files(out)) == 2 * 3 * TILES_PER_SCENE
    assert '1 of 3 scene(s) not converted' in capsys.readouterr().out
    with pytest.raises(SystemExit, match=r'1 scene\(s\) not converted'):
        run_command(lambda: convert(src, out, *extra))
    stats = convert(src, out, '--exclude', 'NH49E001014', *extra)
    assert stats['failed'] == {} and stats['scenes'] == 2
    assert 'nothing to do' in capsys.readouterr().out


@pytest.mark.parametrize('folders, error', [
    (('optical', ), None),
    (('image', 'optical'), 'has both image/ and optical/'),
    ((), r'no image/ \(or optical/\) folder'),
])
def test_optical_folder_name(tmp_path, folders, error):
    src = tmp_path / 'src'
    (src / 'lbl').mkdir(parents=True)
    for folder in folders:
        write_scene(src, 'NH49E001013', folder=folder)
    if error:
        with pytest.raises(ConversionError, match=error):
            convert(src, tmp_path / 'whu')
    else:
        assert convert(src, tmp_path / 'whu')['converted'] == 1


@pytest.mark.parametrize('compression', ['lzw', 'deflate', 'jpeg'])
def test_compressed_geotiffs_are_read(tmp_path, compression):
    """LZW, Deflate and JPEG need imagecodecs (LZW and JPEG have no
    fallback in tifffile)."""
    rgb = np.stack([band_planes((H, W))[c] for c in 'RGB'],
                   -1).astype(np.uint8)
    path = tmp_path / f'{compression}.tif'
    tifffile.imwrite(
        path,
        rgb,
        photometric='rgb',
        compression=compression,
        extratags=GEOTIFF_TAGS)
    with tifffile.TiffFile(path) as tif:
        assert tif.pages[0].compression.name != 'NONE' and tif.is_geotiff
    img = whu_opt_sar.read_tiff(str(path), str(path))
    assert img.shape == (H, W, 3)
    tolerance = 12 if compression == 'jpeg' else 0  # lossy
    assert np.abs(img.astype(int) - rgb).max() <= tolerance


@pytest.mark.slow
def test_command_line_in_parallel(src, tmp_path):
    out = tmp_path / 'whu'
    run = run_tool([
        sys.executable, 'tools/dataset_converters/whu_opt_sar.py',
        str(src), '--out',
        str(out), '--tile-size',
        str(TILE), '--nproc', '2'
    ],
                   timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert 'converting 3 of 3 scenes' in run.stdout, run.stdout
    assert len(tile_files(out)) == 3 * 3 * 12
