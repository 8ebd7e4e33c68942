"""Reading visible/infrared images: conversions and clear errors."""
import cv2
import numpy as np
import pytest
import tifffile

from segfanet_mm.datasets.transforms import (ImageReadError, load_infrared,
                                             load_visible)


def test_visible_colour_is_rgb(tmp_path):
    bgr = np.zeros((5, 7, 3), np.uint8)
    bgr[..., 2] = 200  # red in OpenCV's BGR order
    cv2.imwrite(str(tmp_path / 'v.png'), bgr)
    vis = load_visible(str(tmp_path / 'v.png'))
    assert vis.shape == (5, 7, 3) and vis.dtype == np.uint8
    assert (vis[..., 0] == 200).all() and (vis[..., 1:] == 0).all()


def test_visible_grey_is_replicated_and_rgba_drops_alpha(tmp_path):
    cv2.imwrite(str(tmp_path / 'g.png'), np.full((4, 4), 77, np.uint8))
    assert (load_visible(str(tmp_path / 'g.png')) == 77).all()
    bgra = np.dstack([np.full((4, 4), c, np.uint8) for c in (10, 20, 30, 0)])
    cv2.imwrite(str(tmp_path / 'rgba.png'), bgra)
    vis = load_visible(str(tmp_path / 'rgba.png'))
    assert vis.shape == (4, 4, 3)
    assert vis[0, 0].tolist() == [30, 20, 10]


def test_infrared_three_channel_grey_equals_one_channel(tmp_path):
    grey = np.arange(48, dtype=np.uint8).reshape(6, 8) * 5
    cv2.imwrite(str(tmp_path / 'ir3.png'), np.dstack([grey] * 3))
    ir = load_infrared(str(tmp_path / 'ir3.png'))
    assert ir.shape == (6, 8) and (ir == grey).all()


def test_infrared_16bit_is_stretched(tmp_path):
    raw = np.linspace(1000, 3000, 64).astype(np.uint16).reshape(8, 8)
    cv2.imwrite(str(tmp_path / 'ir16.png'), raw)
    ir = load_infrared(str(tmp_path / 'ir16.png'))
    assert ir.dtype == np.uint8 and ir.min() == 0 and ir.max() == 255
    assert (np.diff(ir.ravel().astype(int)) >= 0).all()  # order kept


def test_tiff_multiband_and_jpeg_with_wrong_extension(tmp_path):
    tifffile.imwrite(str(tmp_path / 'v.tif'),
                     np.full((6, 5, 3), 9, np.uint8))
    assert load_visible(str(tmp_path / 'v.tif')).shape == (6, 5, 3)
    ok, jpg = cv2.imencode('.jpg', np.full((8, 8, 3), 128, np.uint8))
    (tmp_path / 'fake.png').write_bytes(jpg.tobytes())
    assert load_visible(str(tmp_path / 'fake.png')).shape == (8, 8, 3)


@pytest.mark.parametrize('content,problem', [
    (b'', 'empty'),
    (b'this is not an image', 'cannot be decoded'),
])
def test_unreadable_files_are_named(tmp_path, content, problem):
    path = tmp_path / 'bad.png'
    path.write_bytes(content)
    with pytest.raises(ImageReadError, match=problem) as err:
        load_visible(str(path))
    assert str(path) in str(err.value)


def test_truncated_png_and_missing_file(tmp_path):
    ok, png = cv2.imencode('.png', np.random.randint(0, 255, (64, 64, 3),
                                                     dtype=np.uint8))
    path = tmp_path / 'trunc.png'
    path.write_bytes(png.tobytes()[:200])
    with pytest.raises(ImageReadError, match='trunc.png'):
        load_infrared(str(path))
    with pytest.raises(ImageReadError, match='does not exist'):
        load_infrared(str(tmp_path / 'nope.png'))


def test_wrong_channel_count_is_an_error(tmp_path):
    tifffile.imwrite(str(tmp_path / 'five.tif'),
                     np.zeros((6, 6, 5), np.uint8), photometric='minisblack',
                     planarconfig='contig')
    with pytest.raises(ImageReadError, match='channels'):
        load_infrared(str(tmp_path / 'five.tif'))
