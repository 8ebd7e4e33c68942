"""The one image reader of the project (data sets, ``tools/fuse.py``,
``tools/analysis_tools/eval_fusion.py``, ``compare_fusion.py`` and the Python
API all read through it).

Canonical form: visible = H x W x 3 uint8 RGB, infrared = H x W uint8.
Policy (also the table in ``docs/reliability.md``, "Image-reading policy"):

* **format** is detected from the content, not the extension (a JPEG named
  ``.png`` reads); TIFFs (any band count, planar or interleaved, palette)
  go through tifffile, everything else through OpenCV.
* **orientation**: the EXIF/TIFF orientation tag is applied (a phone JPEG
  stored sideways is read upright), as viewers and OpenCV's colour mode do.
* **palette** images are expanded to their colours; 1-bit images become
  0/255.
* **alpha** is dropped: the colour (or grey) channels are used as stored,
  never composited.
* **visible bit depth**: uint8 as stored; uint16 scaled by 255/65535;
  float (and other integer types) by the range inferred from the finite
  values: max <= 1 -> 0..1, max <= 255 -> 0..255, 512 <= max <= 65535 ->
  0..65535. Negative values, a max in the gaps (1, 2) or (255.5, 512), or
  above 65535 are ambiguous and raise :class:`ImageReadError`.
* **infrared**: 3 channels are reduced to BT.601 luma
  ``0.299 R + 0.587 G + 0.114 B`` evaluated in float32 and rounded half to
  even (the metrics' grey rule: the grey value when R = G = B); uint8 is used
  as stored; deeper or float data (raw thermal counts, temperatures) is
  stretched linearly between the 0.5th and 99.5th percentiles of the
  image's finite pixels (:func:`robust_range`, the converters' rule too), so
  a single hot or dead pixel cannot flatten the scene. A fixed
  ``ir_range=(low, high)`` maps ``low..high`` to 0..255 instead, for every
  image (frames of a sequence stay comparable).
* **non-finite** pixels (NaN, +-Inf; float images only) are excluded from
  the range and set to the image's lowest finite value, with a
  :class:`NonFinitePixelWarning` naming the file and the count; an image
  with no finite pixel is an error.

Every failure raises :class:`ImageReadError` naming the file and the problem.
"""
import io
import math
import os.path as osp
import warnings
from typing import Optional, Sequence, Tuple, Union

import cv2
import numpy as np
import torch
from mmengine import fileio

from ...utils.colour import rgb_to_grey

#: Percentiles of the robust stretch of deep infrared (and converter) data.
ROBUST_PERCENTILES = (0.5, 99.5)
_TIFF_MAGIC = (b'II*\x00', b'MM\x00*', b'II+\x00', b'MM\x00+')
_HALF_LEVEL = 0.5 / 255  # half a grey level on a 0..1 scale


class ImageReadError(ValueError):
    """An input image is missing, empty, undecodable or has a bad shape."""


class NonFinitePixelWarning(UserWarning):
    """A float image holds NaN or infinite pixels (replaced, see module)."""


# --------------------------------------------------------------- decoding
def _exif_orientation(content: bytes) -> int:
    """EXIF orientation (1..8) of a JPEG/PNG/WebP file's bytes; 1 if none."""
    if not (content[:3] == b'\xff\xd8\xff' or b'eXIf' in content or
            (content[:4] == b'RIFF' and b'EXIF' in content)):
        return 1
    try:
        from PIL import Image
        with Image.open(io.BytesIO(content)) as image:
            value = int(image.getexif().get(0x0112, 1))
    except Exception:  # unreadable metadata: use the pixels as stored
        return 1
    return value if 1 <= value <= 8 else 1


def apply_orientation(img: np.ndarray, orientation: int) -> np.ndarray:
    """Turn an image stored with EXIF/TIFF ``orientation`` (1..8) upright."""
    ops = {
        1: lambda a: a,
        2: lambda a: a[:, ::-1],  # mirrored
        3: lambda a: a[::-1, ::-1],  # rotated 180
        4: lambda a: a[::-1],  # flipped
        5: lambda a: np.swapaxes(a, 0, 1),  # transposed
        6: lambda a: np.rot90(a, -1),  # stored rotated 90 CCW
        7: lambda a: np.swapaxes(a[::-1, ::-1], 0, 1),  # transversed
        8: lambda a: np.rot90(a, 1),  # stored rotated 90 CW
    }
    return np.ascontiguousarray(ops.get(orientation, ops[1])(img))


def read_tiff(source: Union[str, bytes],
              name: str) -> Tuple[np.ndarray, int, Optional[np.ndarray]]:
    """The first image of a TIFF (a path or the file's bytes), band-last,
    with its orientation tag and its palette (``None`` unless palette
    colour). Band-sequential (planar) storage is moved to band-last, decided
    by tifffile's axes rather than by shape guessing. Raises
    :class:`ImageReadError` naming ``name``."""
    import tifffile
    try:
        handle = io.BytesIO(source) if isinstance(source, bytes) else source
        with tifffile.TiffFile(handle) as tif:
            series = tif.series[0]
            img, axes = series.asarray(), series.axes
            page = tif.pages[0]
            tag = page.tags.get(274)  # Orientation
            orientation = int(tag.value) if tag is not None else 1
            colormap = page.colormap if int(page.photometric) == 3 else None
    except Exception as err:  # tifffile raises many types
        raise ImageReadError(f'{name}: not a readable TIFF ({err})') from None
    if img.ndim == 3 and axes.endswith('YX'):  # planar (bands, H, W)
        img = np.moveaxis(img, 0, -1)
    return img, orientation, colormap


def _decode_tiff(content: bytes, name: str) -> np.ndarray:
    img, orientation, colormap = read_tiff(content, name)
    if colormap is not None and img.ndim == 2:  # palette: expand
        rgb = colormap.T[img.astype(np.intp)]
        img = (rgb // 257).astype(np.uint8) if (rgb % 257 == 0).all() else rgb
    return apply_orientation(img, orientation)


def decode_image(content: bytes, name: str) -> np.ndarray:
    """Decode a file's bytes as stored (bit depth and channels unchanged;
    palette expanded, orientation applied). Returns an H x W or H x W x C
    array, colour channels in RGB(A) order; ``name`` is used in errors."""
    if len(content) == 0:
        raise ImageReadError(f'{name}: file is empty (0 bytes)')
    if content[:4] in _TIFF_MAGIC:
        return _decode_tiff(content, name)
    img = cv2.imdecode(np.frombuffer(content, np.uint8), cv2.IMREAD_UNCHANGED)
    if img is None:
        raise ImageReadError(
            f'{name}: cannot be decoded as an image (truncated, corrupt '
            'or not an image file)')
    if img.ndim == 3 and img.shape[2] == 3:
        img = img[..., ::-1]
    elif img.ndim == 3 and img.shape[2] == 4:
        img = img[..., [2, 1, 0, 3]]
    return apply_orientation(img, _exif_orientation(content))


def read_image_bytes(path: str,
                     backend_args: Optional[dict] = None) -> np.ndarray:
    """Read and decode an image file as stored (see :func:`decode_image`)."""
    try:
        content = fileio.get(path, backend_args=backend_args)
    except FileNotFoundError:
        raise ImageReadError(f'{path}: file does not exist') from None
    except OSError as err:
        raise ImageReadError(f'{path}: cannot be read ({err})') from None
    return decode_image(content, path)


# ---------------------------------------------------------- intensities
def robust_range(
        values: np.ndarray,
        percentiles: Sequence[float] = ROBUST_PERCENTILES
) -> Tuple[float, float]:
    """``(low, high)`` of a stretch: the given percentiles of ``values``
    (finite numbers); their minimum and maximum when the percentiles
    coincide (a scene that is flat but for a few pixels)."""
    lo, hi = (float(v) for v in np.percentile(values, percentiles))
    if hi <= lo:
        lo, hi = float(values.min()), float(values.max())
    return lo, hi


def stretch_to_uint8(img: np.ndarray, low: float, high: float) -> np.ndarray:
    """Map ``low..high`` linearly to 0..255 (clipped, rounded half to even);
    all zeros when ``high <= low`` (a constant image has no contrast)."""
    if not high > low:
        return np.zeros(img.shape, np.uint8)
    scaled = (img.astype(np.float32) - low) * (255.0 / (high - low))
    return np.clip(np.rint(scaled), 0, 255).astype(np.uint8)


def check_ir_range(ir_range) -> Optional[Tuple[float, float]]:
    """Validate a user's fixed infrared range: None or ``(low, high)``,
    finite, ``low < high``; raises ValueError otherwise."""
    if ir_range is None:
        return None
    try:
        low, high = (float(v) for v in ir_range)
    except (TypeError, ValueError):
        raise ValueError(
            f'ir_range must be (low, high), got {ir_range!r}') from None
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise ValueError(f'ir_range must be two finite numbers with low < '
                         f'high, got ({low:g}, {high:g})')
    return low, high


def _finite(img: np.ndarray,
            name: str) -> Tuple[np.ndarray, Optional[np.ndarray]]:
    """``(img, finite values)``: non-finite values of a float image set to
    its lowest finite value (with a warning naming ``name`` and the count),
    and the finite values alone (None when all are finite, i.e. ``img``);
    error if no value is finite."""
    if img.dtype.kind != 'f':
        return img, None
    finite = np.isfinite(img)
    if finite.all():
        return img, None
    if not finite.any():
        raise ImageReadError(
            f'{name}: no finite pixel value (every pixel is NaN or '
            'infinite)')
    values = img[finite]
    fill = values.min()
    bad = ~finite if finite.ndim == 2 else ~finite.all(axis=2)
    warnings.warn(
        f'{name}: {int(bad.sum())} of {bad.size} pixel(s) are NaN or '
        f'infinite; excluded from the intensity range and set to the '
        f'lowest finite value {float(fill):.6g}',
        NonFinitePixelWarning,
        stacklevel=3)
    return np.where(finite, img, fill), values


def _visible_divisor(img: np.ndarray, name: str) -> float:
    """The full-scale value of a non-uint8 visible image (see module)."""
    if img.dtype == np.uint16:
        return 65535.0
    lo, hi = float(img.min()), float(img.max())
    if lo < -_HALF_LEVEL:
        raise ImageReadError(
            f'{name}: visible image has negative values (min {lo:.4g}), so '
            'its range cannot be inferred; rescale it to 0..1 or 0..255')
    if img.dtype.kind == 'f' and hi <= 1 + _HALF_LEVEL:
        return 1.0
    if 255.5 < hi < 512 or (img.dtype.kind == 'f' and hi < 2):
        raise ImageReadError(
            f'{name}: visible image has maximum {hi:.6g}, between the '
            '0..1, 0..255 and 0..65535 ranges, so its range is ambiguous; '
            'clip or rescale it to one of them')
    if hi <= 255.5:
        return 255.0
    if hi <= 65535.5:
        return 65535.0
    raise ImageReadError(
        f'{name}: visible image has maximum {hi:.6g}, above the 16-bit '
        'range; rescale it to 0..255 or 0..65535')


def _luma(img: np.ndarray) -> np.ndarray:
    """BT.601 luma of H x W x 3 by the metrics' rule
    (:func:`~segfanet_mm.utils.colour.rgb_to_grey`); uint8 input gives uint8,
    anything else unrounded float32."""
    is_uint8 = img.dtype == np.uint8
    y = rgb_to_grey(
        torch.from_numpy(img.astype(np.float32)),
        channel_dim=-1,
        rounding='float32' if is_uint8 else 'none')[..., 0]
    return y.numpy().astype(np.uint8) if is_uint8 else y.numpy()


def _channels(img: np.ndarray, name: str, what: str,
              allowed: Sequence[int]) -> np.ndarray:
    """Drop alpha (a 2nd or 4th channel) and a singleton channel axis."""
    if img.ndim == 3 and img.shape[2] in (1, 2):
        img = img[..., 0]
    elif img.ndim == 3 and img.shape[2] == 4:
        img = img[..., :3]
    if not (img.ndim == 2 or (img.ndim == 3 and img.shape[2] == 3)):
        raise ImageReadError(
            f'{name}: {what} image must have {allowed} channels, got '
            f'shape {img.shape}')
    if img.dtype == bool:
        img = img.astype(np.uint8) * 255
    if not (np.issubdtype(img.dtype, np.integer)
            or np.issubdtype(img.dtype, np.floating)):
        raise ImageReadError(f'{name}: unsupported pixel type {img.dtype}')
    return img


def to_visible(img: np.ndarray, name: str = 'visible image') -> np.ndarray:
    """Convert a decoded visible image (or a user's array) to H x W x 3
    uint8 RGB by the module's policy; ``name`` (a path, or 'visible array')
    identifies the source in errors and warnings."""
    img = _channels(img, name, 'visible', '1, 3 or 4 (RGBA)')
    if img.dtype != np.uint8:
        img, _ = _finite(img, name)
        divisor = _visible_divisor(img, name)
        img = np.clip(
            np.rint(img.astype(np.float32) * (255.0 / divisor)), 0,
            255).astype(np.uint8)
    if img.ndim == 2:
        img = np.repeat(img[..., None], 3, axis=2)
    return np.ascontiguousarray(img)


def load_visible(path: str, backend_args: Optional[dict] = None) -> np.ndarray:
    """Read a visible image as H x W x 3 uint8 RGB (see module docstring)."""
    return to_visible(read_image_bytes(path, backend_args), path)


def to_infrared(img: np.ndarray,
                name: str = 'infrared image',
                ir_range: Optional[Tuple[float, float]] = None) -> np.ndarray:
    """Convert a decoded infrared image (or a user's array) to H x W uint8
    by the module's policy: 8-bit as stored, deeper/float data robustly
    stretched, or ``ir_range=(low, high)`` mapped to 0..255 when given."""
    ir_range = check_ir_range(ir_range)
    img = _channels(img, name, 'infrared', '1 or 3')
    if img.ndim == 3:
        img = _luma(img)
    if img.dtype == np.uint8 and ir_range is None:
        return np.ascontiguousarray(img)
    img, finite_values = _finite(img, name)
    low, high = ir_range or robust_range(img if finite_values is
                                         None else finite_values)
    return stretch_to_uint8(img, low, high)


def load_infrared(
        path: str,
        backend_args: Optional[dict] = None,
        ir_range: Optional[Tuple[float, float]] = None) -> np.ndarray:
    """Read an infrared image as H x W uint8 (see module docstring)."""
    return to_infrared(read_image_bytes(path, backend_args), path, ir_range)


def image_stem(path: str) -> str:
    """File name without folder and extension: the key that pairs images."""
    return osp.splitext(osp.basename(path))[0]
