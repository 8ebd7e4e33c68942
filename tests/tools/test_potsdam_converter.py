"""tools/dataset_converters/potsdam_fusion.py on generated ISPRS archives."""
import io
import re
import zipfile

import cv2
import numpy as np
import potsdam_fusion
import pytest
import tifffile
from raster import ConversionError
from tiling import run_command

SIZE, TILE = 32, 16  # 2 x 2 tiles per Potsdam tile
# Quadrants of every generated label (RGB) and the class each must become.
QUADRANTS = {
    (0, 0): ((0, 0, 255), 1),  # building
    (0, 16): ((255, 0, 0), 5),  # clutter
    (16, 0): ((255, 255, 0), 4),  # car
    (16, 16): ((0, 0, 0), 255),  # noBoundary border -> ignore
}


def tiff_bytes(arr):
    buf = io.BytesIO()
    tifffile.imwrite(buf, arr)
    return buf.getvalue()


def label_image(size=SIZE, odd_colour=None):
    label = np.zeros((size, size, 3), np.uint8)
    for (y, x), (colour, _) in QUADRANTS.items():
        label[y:y + 16, x:x + 16] = colour
    if odd_colour:
        label[3, 5] = odd_colour
    return label


def lossy_label():
    """Like the release's top_potsdam_4_12_label: a lossy re-encode, every
    channel off by up to 60 from the palette, hundreds of distinct colours."""
    noise = np.random.default_rng(0).integers(-60, 61, (SIZE, SIZE, 3))
    return np.clip(label_image().astype(int) + noise, 0, 255).astype(np.uint8)


def near_car_label():
    """Like the release's top_potsdam_6_7_label: cars are (252, 255, 0)."""
    label = label_image()
    label[(label == (255, 255, 0)).all(-1)] = (252, 255, 0)
    return label


def write_zip(path, members):
    with zipfile.ZipFile(path, 'w') as zf:
        for name, arr in members.items():
            zf.writestr(name, tiff_bytes(arr))


def make_archives(root,
                  tiles=('2_10', '2_13'),
                  split_images=False,
                  labels='noBoundary',
                  skip_label=None,
                  label_size=SIZE,
                  odd_colour=None,
                  special_labels=None):
    """R, G, B, IR hold 11, 22, 33, 44 (IRRG: 44, 11, 22); labels are
    ``label_image`` except ``special_labels`` ({tile: RGB array})."""
    root.mkdir(parents=True, exist_ok=True)
    const = lambda *v: np.stack(  # noqa: E731
        [np.full((SIZE, SIZE), c, np.uint8) for c in v], -1)
    if split_images:
        write_zip(
            root / '2_Ortho_RGB.zip', {
                f'2_Ortho_RGB/top_potsdam_{t}_RGB.tif': const(11, 22, 33)
                for t in tiles
            })
        write_zip(
            root / '3_Ortho_IRRG.zip', {
                f'3_Ortho_IRRG/top_potsdam_{t}_IRRG.tif': const(44, 11, 22)
                for t in tiles
            })
    else:
        write_zip(
            root / '4_Ortho_RGBIR.zip', {
                f'4_Ortho_RGBIR/top_potsdam_{t}_RGBIR.tif': const(
                    11, 22, 33, 44)
                for t in tiles
            })
    suffix = 'label_noBoundary' if labels == 'noBoundary' else 'label'
    special = special_labels or {}
    write_zip(
        root / potsdam_fusion.LABEL_ZIPS[labels], {
            f'top_potsdam_{t}_{suffix}.tif':
            special.get(t, label_image(label_size, odd_colour))
            for t in tiles if t != skip_label
        })
    return root


def convert(src, out, *extra):
    return potsdam_fusion.main(
        [str(src), '--out',
         str(out), '--tile-size',
         str(TILE), *extra])


def read(path, flags=cv2.IMREAD_UNCHANGED):
    return cv2.imread(str(path), flags)


@pytest.mark.parametrize('split_images, labels', [(False, 'noBoundary'),
                                                  (True, 'all')])
def test_tiles_bands_colours_and_official_split(tmp_path, split_images,
                                                labels):
    src = make_archives(
        tmp_path / 'zips', split_images=split_images, labels=labels)
    out = tmp_path / 'potsdam'
    extra = ('--labels', 'all') if labels == 'all' else ()
    assert convert(src, out, *extra)['written'] == 2 * 4 * 3
    # 2_13 is one of the 14 ISPRS validation tiles, 2_10 a training tile.
    assert len(list((out / 'vis/train').glob('2_10_*.png'))) == 4
    assert len(list((out / 'ann/val').glob('2_13_*.png'))) == 4
    assert not list(out.glob('*/test'))
    vis = read(out / 'vis/train/2_10_0_16.png')[..., ::-1]
    assert (vis == [11, 22, 33]).all()
    assert (read(out / 'ir/val/2_13_16_0.png') == 44).all()
    for (y, x), (_, index) in QUADRANTS.items():
        assert (read(out / f'ann/train/2_10_{y}_{x}.png') == index).all()


def test_official_validation_tiles():
    assert len(potsdam_fusion.VAL_TILES) == 14
    assert {'2_13', '4_15', '7_13'} <= potsdam_fusion.VAL_TILES
    assert '2_10' not in potsdam_fusion.VAL_TILES


def test_excluded_tiles_are_left_out(tmp_path):
    src = make_archives(tmp_path / 'zips')
    stats = convert(src, tmp_path / 'potsdam', '--exclude', '2_13')
    assert stats['scenes'] == 1
    assert not (tmp_path / 'potsdam' / 'vis' / 'val').exists()


def test_imperfect_release_labels_are_snapped_and_reported(tmp_path, capsys):
    special = {'4_12': lossy_label(), '6_7': near_car_label()}
    assert len(np.unique(special['4_12'].reshape(-1, 3), axis=0)) > 500
    src = make_archives(
        tmp_path / 'zips',
        tiles=('2_10', '4_12', '6_7'),
        labels='all',
        special_labels=special)
    out = tmp_path / 'potsdam'
    stats = convert(src, out, '--labels', 'all')
    assert stats['converted'] == 3 and not stats['failed']
    for tile in ('2_10', '4_12', '6_7'):
        for (y, x), (_, index) in QUADRANTS.items():
            ann = read(out / f'ann/train/{tile}_{y}_{x}.png')
            assert (ann == index).all(), (tile, y, x)
    report = capsys.readouterr().out
    lossy = int((special['4_12'] != label_image()).any(-1).sum())
    assert f'4_12: {lossy} label pixel(s)' in report
    assert '6_7: 256 label pixel(s) (25.00%)' in report  # the car quadrant
    assert '2_10:' not in report


def test_bad_tile_is_reported_and_rerun_with_exclude_reuses_output(
        tmp_path, capsys):
    magenta = label_image()
    magenta[0:4, 0:4] = (250, 10, 240)  # snaps to (255, 0, 255): no class
    src = make_archives(
        tmp_path / 'zips',
        tiles=('2_10', '2_13', '3_10'),
        special_labels={'2_13': magenta})
    out = tmp_path / 'potsdam'
    stats = convert(src, out)
    assert stats['converted'] == 2 and list(stats['failed']) == ['2_13']
    assert 'top_potsdam_2_13_label_noBoundary.tif (each channel ' \
        'thresholded at 127): unknown label value(s) (255, 0, 255)' in \
        stats['failed']['2_13']
    assert len(list(out.glob('*/train/*.png'))) == 2 * 4 * 3
    assert '1 of 3 scene(s) not converted' in capsys.readouterr().out
    with pytest.raises(SystemExit, match='1 scene\\(s\\) not converted'):
        run_command(lambda: convert(src, out))

    stats = convert(src, out, '--exclude', '2_13')
    assert (stats['scenes'], stats['converted'], stats['failed']) == (2, 0, {})
    assert 'nothing to do' in capsys.readouterr().out


def test_rerun_on_complete_output_does_nothing(tmp_path, capsys):
    src = make_archives(tmp_path / 'zips')
    out = tmp_path / 'potsdam'
    convert(src, out)
    (out / 'vis/val/2_13_0_0.png').unlink()
    stats = convert(src, out)
    assert (stats['converted'], stats['written'], stats['kept']) == (1, 1, 11)
    assert convert(src, out)['converted'] == 0
    assert 'nothing to do' in capsys.readouterr().out


@pytest.mark.parametrize('problem, tile, message', [
    ('missing_label', '2_13',
     r'5_Labels_all_noBoundary\.zip: label missing for tile 2_13'),
    ('size', '2_10', r'size mismatch: .*top_potsdam_2_10_label_noBoundary'
     r'\.tif is 48x48'),
    ('colour', '2_10', r'top_potsdam_2_10_label_noBoundary\.tif \(each '
     r'channel thresholded at 127\): unknown label value\(s\) '
     r'\(255, 0, 255\)'),
])
def test_bad_tiles_are_reported_naming_the_file(tmp_path, problem, tile,
                                                message):
    label = label_image(48 if problem == 'size' else SIZE)
    if problem == 'colour':
        label[3, 5] = (200, 0, 200)
    src = make_archives(
        tmp_path / 'zips',
        tiles=('2_10', '2_13'),
        skip_label='2_13' if problem == 'missing_label' else None,
        special_labels={'2_10': label})
    stats = convert(src, tmp_path / 'potsdam')
    assert list(stats['failed']) == [tile]
    assert re.search(message, stats['failed'][tile])


def test_missing_archive_stops_the_run(tmp_path):
    src = make_archives(tmp_path / 'zips')
    (src / '4_Ortho_RGBIR.zip').unlink()
    with pytest.raises(
            ConversionError,
            match=r'needs 4_Ortho_RGBIR\.zip, or 2_Ortho_RGB\.zip'):
        convert(src, tmp_path / 'potsdam')
