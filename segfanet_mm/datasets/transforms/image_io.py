"""Reading infrared and visible images into the project's canonical form.

Canonical form: visible = H x W x 3 uint8 RGB, infrared = H x W uint8.
Conversions (documented in ``docs/data.md``):

* visible grey (1 channel) is replicated to RGB; RGBA drops its alpha;
  16-bit visible is scaled by 255/65535 (keeps relative brightness);
* infrared stored as 3-channel grey (or colour) is reduced to BT.601
  luminance ``Y = 0.299 R + 0.587 G + 0.114 B`` (identical to any channel
  when R = G = B); 16-bit infrared (raw thermal counts) is min-max stretched
  per image to 0..255, because its absolute range differs per sensor;
* the format is detected from the content, not the extension, so a JPEG
  saved as ``.png`` still reads; TIFFs (any band count) go through tifffile.

Every failure raises :class:`ImageReadError` naming the file and the problem.
"""
import io
import os.path as osp
from typing import Optional

import cv2
import numpy as np
from mmengine import fileio

BT601_LUMA = np.array([0.299, 0.587, 0.114])
_TIFF_MAGIC = (b'II*\x00', b'MM\x00*', b'II+\x00', b'MM\x00+')


class ImageReadError(ValueError):
    """An input image is missing, empty, undecodable or has a bad shape."""


def read_image_bytes(path: str,
                     backend_args: Optional[dict] = None) -> np.ndarray:
    """Decode an image file as stored (bit depth and channels unchanged).

    Returns an H x W or H x W x C array; colour channels in RGB(A) order.
    """
    try:
        content = fileio.get(path, backend_args=backend_args)
    except FileNotFoundError:
        raise ImageReadError(f'{path}: file does not exist') from None
    except OSError as err:
        raise ImageReadError(f'{path}: cannot be read ({err})') from None
    if len(content) == 0:
        raise ImageReadError(f'{path}: file is empty (0 bytes)')
    if content[:4] in _TIFF_MAGIC:
        import tifffile
        try:
            img = tifffile.imread(io.BytesIO(content))
        except Exception as err:  # tifffile raises many types
            raise ImageReadError(
                f'{path}: not a readable TIFF ({err})') from None
        if img.ndim == 3 and img.shape[0] < img.shape[-1] and \
                img.shape[0] <= 4:  # planar (C, H, W) storage
            img = np.moveaxis(img, 0, -1)
        return img
    img = cv2.imdecode(np.frombuffer(content, np.uint8), cv2.IMREAD_UNCHANGED)
    if img is None:
        raise ImageReadError(
            f'{path}: cannot be decoded as an image (truncated, corrupt '
            'or not an image file)')
    if img.ndim == 3 and img.shape[2] == 3:
        img = img[..., ::-1]
    elif img.ndim == 3 and img.shape[2] == 4:
        img = img[..., [2, 1, 0, 3]]
    return np.ascontiguousarray(img)


def _to_uint8(img: np.ndarray, path: str, stretch: bool) -> np.ndarray:
    if img.dtype == np.uint8:
        return img
    if img.dtype == bool:
        return img.astype(np.uint8) * 255
    if not (np.issubdtype(img.dtype, np.integer)
            or np.issubdtype(img.dtype, np.floating)):
        raise ImageReadError(f'{path}: unsupported pixel type {img.dtype}')
    img = img.astype(np.float64)
    if stretch:
        lo, hi = float(img.min()), float(img.max())
        scaled = (img - lo) * (255.0 / (hi - lo)) if hi > lo else img * 0
    elif img.dtype.kind == 'f' and img.max() <= 1.0:
        scaled = img * 255.0
    else:
        scaled = img * (255.0 / 65535.0)
    return np.clip(np.rint(scaled), 0, 255).astype(np.uint8)


def to_visible(img: np.ndarray, name: str = 'visible image') -> np.ndarray:
    """Convert a decoded visible image to H x W x 3 uint8 RGB.

    ``name`` identifies the source in errors (a path or 'array').
    """
    if img.ndim == 3 and img.shape[2] == 1:
        img = img[..., 0]
    if img.ndim == 2:
        img = np.repeat(img[..., None], 3, axis=2)
    elif img.ndim != 3 or img.shape[2] not in (3, 4):
        raise ImageReadError(
            f'{name}: visible image must have 1, 3 or 4 channels, got shape '
            f'{img.shape}')
    return np.ascontiguousarray(_to_uint8(img[..., :3], name, stretch=False))


def load_visible(path: str, backend_args: Optional[dict] = None) -> np.ndarray:
    """Read a visible image as H x W x 3 uint8 RGB (see module docstring)."""
    return to_visible(read_image_bytes(path, backend_args), path)


def to_infrared(img: np.ndarray, name: str = 'infrared image') -> np.ndarray:
    """Convert a decoded infrared image to H x W uint8 (see module doc)."""
    if img.ndim == 3 and img.shape[2] == 1:
        img = img[..., 0]
    if img.ndim == 3 and img.shape[2] in (3, 4):
        luma = img[..., :3].astype(np.float64) @ BT601_LUMA
        img = (np.clip(np.rint(luma), 0, 255).astype(np.uint8)
               if img.dtype == np.uint8 else luma)
    elif img.ndim != 2:
        raise ImageReadError(
            f'{name}: infrared image must have 1 or 3 channels, got shape '
            f'{img.shape}')
    return _to_uint8(img, name, stretch=True)


def load_infrared(path: str,
                  backend_args: Optional[dict] = None) -> np.ndarray:
    """Read an infrared image as H x W uint8 (see module docstring)."""
    return to_infrared(read_image_bytes(path, backend_args), path)


def image_stem(path: str) -> str:
    """File name without folder and extension: the key that pairs images."""
    return osp.splitext(osp.basename(path))[0]
