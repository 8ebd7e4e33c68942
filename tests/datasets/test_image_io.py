"""Reading visible/infrared images: conversions and clear errors."""
import cv2
import numpy as np
import pytest
import tifffile

from segfanet_mm.datasets.transforms import (ImageReadError, load_infrared,
                                             load_visible, to_infrared,
                                             to_visible)


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
    tifffile.imwrite(str(tmp_path / 'v.tif'), np.full((6, 5, 3), 9, np.uint8))
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
    ok, png = cv2.imencode(
        '.png', np.random.randint(0, 255, (64, 64, 3), dtype=np.uint8))
    path = tmp_path / 'trunc.png'
    path.write_bytes(png.tobytes()[:200])
    with pytest.raises(ImageReadError, match='trunc.png'):
        load_infrared(str(path))
    with pytest.raises(ImageReadError, match='does not exist'):
        load_infrared(str(tmp_path / 'nope.png'))


def test_wrong_channel_count_is_an_error(tmp_path):
    tifffile.imwrite(
        str(tmp_path / 'five.tif'),
        np.zeros((6, 6, 5), np.uint8),
        photometric='minisblack',
        planarconfig='contig')
    with pytest.raises(ImageReadError, match='channels'):
        load_infrared(str(tmp_path / 'five.tif'))


# ---- the one reader's policy (issue 19: items 2-5; docs/reliability.md) ----
def _save_with_exif(path, rgb, orientation, fmt):
    from PIL import Image
    image = Image.fromarray(rgb)
    exif = image.getexif()
    exif[0x0112] = orientation
    image.save(str(path), fmt, exif=exif, quality=95)


@pytest.mark.parametrize('orientation', range(1, 9))
def test_exif_orientation_is_applied_as_pillow_does(tmp_path, orientation):
    from PIL import Image, ImageOps
    rgb = np.random.default_rng(orientation).integers(
        0, 256, (5, 7, 3), dtype=np.uint8)
    path = tmp_path / 'v.png'
    _save_with_exif(path, rgb, orientation, 'PNG')
    with Image.open(path) as image:
        upright = np.asarray(ImageOps.exif_transpose(image).convert('RGB'))
    assert np.array_equal(load_visible(str(path)), upright)


def test_rotated_jpeg_reads_upright_as_opencv_colour_mode(tmp_path):
    vis = np.zeros((40, 60, 3), np.uint8)
    vis[:10, :20] = 255  # a bright block top-left when upright
    path = tmp_path / 'phone.jpg'
    _save_with_exif(path, np.ascontiguousarray(np.rot90(vis, 1)), 6, 'JPEG')
    got = load_visible(str(path))
    assert got.shape == (40, 60, 3)
    assert got[:10, :20].mean() > 240 and got[20:, 30:].mean() < 15
    expected = cv2.cvtColor(
        cv2.imread(str(path), cv2.IMREAD_COLOR),
        cv2.COLOR_BGR2RGB)  # OpenCV applies EXIF too
    assert np.array_equal(got, expected)


def scene16(hot_pixel=True):
    """A 16-bit thermal frame: 1000 +- 20 counts, a 'person' at 3000."""
    rng = np.random.default_rng(0)
    raw = (1000 + rng.integers(-20, 21, (48, 64))).astype(np.uint16)
    raw[10:30, 20:30] = 3000
    if hot_pixel:
        raw[0, 0] = 65535
    return raw


def test_one_hot_pixel_does_not_flatten_16bit_infrared(tmp_path):
    for suffix, write in (('png', lambda p, a: cv2.imwrite(p, a)),
                          ('tif', lambda p, a: tifffile.imwrite(p, a))):
        path = str(tmp_path / f'ir16.{suffix}')
        write(path, scene16())
        ir = load_infrared(path)
        person, background = ir[10:30, 20:30], ir[35:, 35:]
        assert person.min() == 255 and background.mean() < 40
        assert len(np.unique(background)) >= 5  # its noise stays visible
    from segfanet_mm.datasets.transforms.image_io import stretch_to_uint8
    raw = scene16()
    min_max = stretch_to_uint8(raw, raw.min(), raw.max())
    assert min_max[10:30, 20:30].max() < 10  # what min-max did: flat scene


def test_converters_stretch_with_the_same_function():
    import raster

    from segfanet_mm.datasets.transforms import image_io
    assert raster.robust_range is image_io.robust_range
    bands = scene16()
    assert np.array_equal(
        raster.to_uint8(bands),
        image_io.stretch_to_uint8(bands,
                                  *image_io.robust_range(bands[bands > 0])))


def test_fixed_ir_range_maps_every_frame_alike(tmp_path):
    cold, hot = scene16(hot_pixel=False), scene16(hot_pixel=False) + 500
    per_image = [load_infrared_array(f) for f in (cold, hot)]
    assert np.array_equal(per_image[0], per_image[1])  # range lost
    fixed = [
        to_infrared(f, 'frame', ir_range=(900, 4000)) for f in (cold, hot)
    ]
    assert fixed[1].mean() > fixed[0].mean() + 30  # the warmer frame shows
    assert fixed[0][15, 25] == round((3000 - 900) * 255 / 3100)
    from segfanet_mm.datasets.transforms import LoadIRVisPair
    cv2.imwrite(str(tmp_path / 'ir.png'), hot)
    cv2.imwrite(str(tmp_path / 'vis.png'), np.zeros((48, 64, 3), np.uint8))
    img = LoadIRVisPair(ir_range=(900, 4000)).transform(
        dict(
            ir_path=str(tmp_path / 'ir.png'),
            vis_path=str(tmp_path / 'vis.png')))['img']
    assert np.array_equal(img[..., 3], fixed[1])
    with pytest.raises(ValueError, match='low < high'):
        LoadIRVisPair(ir_range=(5, 5))


def load_infrared_array(raw):
    return to_infrared(raw, 'frame')


def test_non_finite_pixels_are_named_and_do_not_erase_the_image(tmp_path):
    from segfanet_mm.datasets.transforms import NonFinitePixelWarning
    celsius = np.linspace(-5, 35, 48 * 64, dtype=np.float32).reshape(48, 64)
    path = tmp_path / 'ir_nan.tif'
    tifffile.imwrite(
        str(path),
        np.where(
            np.pad(np.ones((2, 2)), ((20, 26), (30, 32))) > 0, np.nan,
            celsius).astype(np.float32))
    with pytest.warns(
            NonFinitePixelWarning,
            match=r'ir_nan.tif: 4 of 3072 pixel\(s\) are NaN'):
        ir = load_infrared(str(path))
    clean = to_infrared(celsius, 'clean')
    outside = np.ones(ir.shape, bool)
    outside[20:22, 30:32] = False
    assert np.abs(ir[outside].astype(int) - clean[outside]).max() <= 1
    assert (ir[20:22, 30:32] == 0).all()  # lowest finite value -> black
    vis = np.full((4, 4, 3), 200.0)
    vis[0, 0, 1] = np.inf
    with pytest.warns(NonFinitePixelWarning, match='1 of 16'):
        assert (to_visible(vis, 'v')[1:] == 200).all()


def test_an_image_without_finite_pixels_is_an_error():
    with pytest.raises(ImageReadError, match='no finite pixel value'):
        to_infrared(np.full((4, 4), np.nan, np.float32), 'ir.tif')


@pytest.mark.parametrize('scale, dtype', [(1 / 255, np.float32),
                                          (1.0, np.float32), (1.0, np.float64),
                                          (257.0, np.float32)])
def test_float_visible_range_is_inferred(tmp_path, scale, dtype):
    rgb = np.random.default_rng(1).integers(0, 256, (6, 8, 3), dtype=np.uint8)
    rgb[0, 0] = 255  # the range's top is present
    path = tmp_path / 'v.tif'
    tifffile.imwrite(str(path), (rgb * scale).astype(dtype))
    assert np.array_equal(load_visible(str(path)), rgb)
    from segfanet_mm.apis import stack_pair
    pair = stack_pair(np.zeros((6, 8), np.uint8), (rgb * scale).astype(dtype))
    assert np.array_equal(pair[..., :3], rgb)  # arrays given to the API


@pytest.mark.parametrize('values, problem', [
    ((-0.2, 0.8), 'negative values'),
    ((0.0, 1.5), 'ambiguous'),
    ((0.0, 300.0), 'ambiguous'),
    ((0.0, 1e6), 'above the 16-bit range'),
])
def test_ambiguous_float_visible_is_refused(tmp_path, values, problem):
    path = tmp_path / 'v.tif'
    tifffile.imwrite(str(path), np.array(values, np.float32).reshape(1, 2))
    with pytest.raises(ImageReadError, match=problem) as err:
        load_visible(str(path))
    assert 'v.tif' in str(err.value)


def test_palette_and_grey_alpha_are_expanded(tmp_path):
    from PIL import Image
    indices = np.array([[0, 1], [2, 1]], np.uint8)
    image = Image.fromarray(indices, 'P')
    image.putpalette([255, 0, 0, 0, 255, 0, 0, 0, 255] + [0] * 759)
    image.save(tmp_path / 'p.png')
    assert load_visible(str(tmp_path / 'p.png'))[1, 0].tolist() == [0, 0, 255]
    tifffile.imwrite(
        str(tmp_path / 'p.tif'),
        indices,
        photometric='palette',
        colormap=np.array(image.getpalette()[:768], np.uint16).reshape(
            256, 3).T * 257)
    assert np.array_equal(
        load_visible(str(tmp_path / 'p.tif')),
        load_visible(str(tmp_path / 'p.png')))
    Image.fromarray(
        np.dstack([np.full((3, 3), 90, np.uint8),
                   np.zeros((3, 3), np.uint8)]),
        'LA').save(tmp_path / 'la.png')
    assert (load_infrared(str(tmp_path / 'la.png')) == 90).all()
