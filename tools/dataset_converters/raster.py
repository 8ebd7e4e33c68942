"""Reading source rasters and mapping their labels: the converters' shared
machinery (``whu_opt_sar.py``, ``potsdam_fusion.py``), kept beside them as
mmseg keeps converter code out of the runtime package.

Every failure raises :class:`ConversionError` naming the file, so a bad file
in a 100-scene archive is found without a debugger.
"""
from typing import Callable, Dict, Mapping, Sequence, Tuple, Union

import numpy as np

from segfanet_mm.datasets.transforms import image_io
from segfanet_mm.datasets.transforms.image_io import (ROBUST_PERCENTILES,
                                                      robust_range,
                                                      stretch_to_uint8)


class ConversionError(RuntimeError):
    """A conversion cannot proceed; the message says why and names the file
    at fault, if any."""


def read_tiff(source: Union[str, bytes], name: str) -> np.ndarray:
    """Read the first image of a TIFF as ``H x W`` or ``H x W x bands``
    (band-last, as the data loaders read TIFFs; no palette expansion: label
    rasters keep their indices).

    ``source`` is a path or the file's bytes (a zip member); ``name`` is what
    error messages call it.
    """
    try:
        return image_io.read_tiff(source, name)[0]
    except image_io.ImageReadError as err:
        raise ConversionError(str(err)) from None


def require_bands(img: np.ndarray, bands: int, name: str,
                  meaning: str) -> np.ndarray:
    """Return ``img`` as ``H x W x bands``, or raise naming the file."""
    if bands == 1 and img.ndim == 3 and img.shape[2] == 1:
        img = img[..., 0]
    got = 1 if img.ndim == 2 else img.shape[2] if img.ndim == 3 else None
    if got != bands:
        raise ConversionError(
            f'{name}: expected {bands} band(s) ({meaning}), got an array of '
            f'shape {img.shape}')
    return img


def check_same_size(arrays: Mapping[str, np.ndarray]) -> None:
    """Raise unless all arrays (keyed by file name) share height and width."""
    (first, ref), *others = arrays.items()
    for name, arr in others:
        if arr.shape[:2] != ref.shape[:2]:
            raise ConversionError(
                f'size mismatch: {name} is {arr.shape[1]}x{arr.shape[0]} '
                f'(WxH) but {first} is {ref.shape[1]}x{ref.shape[0]}')


def to_uint8(bands: np.ndarray,
             percentiles: Sequence[float] = ROBUST_PERCENTILES) -> np.ndarray:
    """Bring image bands to uint8.

    uint8 passes through unchanged. Deeper data (e.g. 10-bit GF-1 counts in
    uint16) is stretched linearly between the given percentiles of its
    non-zero pixels (0 is the products' no-data fill), jointly over all
    bands given, so that a call with R, G, B keeps their colour balance.
    The stretch is computed per scene, never per tile, so tiles of one scene
    stay consistent with each other. It is the image reader's robust
    stretch (:func:`~segfanet_mm.datasets.transforms.image_io.robust_range`,
    also used for deep infrared inputs), here over the non-zero pixels.
    """
    if bands.dtype == np.uint8:
        return bands
    valid = bands[bands > 0]
    if valid.size == 0:
        return np.zeros(bands.shape, np.uint8)
    return stretch_to_uint8(bands, *robust_range(valid, percentiles))


def map_label_codes(codes: np.ndarray,
                    table: Mapping[int, int],
                    name: str,
                    describe: Callable[[int], str] = str) -> np.ndarray:
    """Map every label code through ``table`` to a uint8 class index.

    ``codes`` holds one integer per pixel (a grey value, or a packed RGB
    colour); a code missing from ``table`` is an error naming the file and
    up to 8 such codes (``describe`` formats them).
    """
    keys = np.array(sorted(table), dtype=np.int64)
    values = np.array([table[k] for k in keys.tolist()], dtype=np.uint8)
    idx = np.clip(np.searchsorted(keys, codes), 0, len(keys) - 1)
    known = keys[idx] == codes
    if not known.all():
        bad = np.unique(codes[~known])[:8].tolist()
        allowed = ', '.join(describe(k) for k in keys.tolist())
        raise ConversionError(
            f'{name}: unknown label value(s) '
            f'{", ".join(describe(b) for b in bad)} (known: {allowed})')
    return values[idx]


def snap_channels(label: np.ndarray,
                  threshold: int = 127) -> Tuple[np.ndarray, int]:
    """Set each channel of a colour label to 255 above ``threshold``, else 0.

    For palettes whose colours are all 0/255 combinations (ISPRS): a label
    re-encoded lossily, or painted with a near colour such as
    (252, 255, 0), comes back to the palette colour it was meant to be.
    Returns the snapped uint8 label and how many pixels it changed, so the
    caller can report labels that were not clean.
    """
    snapped = np.where(label > threshold, 255, 0).astype(np.uint8)
    changed = int(np.count_nonzero((snapped != label).any(axis=-1)))
    return snapped, changed


def pack_rgb(label: np.ndarray) -> np.ndarray:
    """Pack an ``H x W x 3`` RGB label into one int code per pixel."""
    label = label.astype(np.int32)
    return (label[..., 0] << 16) | (label[..., 1] << 8) | label[..., 2]


def describe_rgb(code: int) -> str:
    """Format a packed RGB code as ``(R, G, B)``."""
    return f'({code >> 16}, {(code >> 8) & 255}, {code & 255})'


def rgb_table(colours: Dict[tuple, int]) -> Dict[int, int]:
    """``{(R, G, B): index}`` -> ``{packed code: index}``."""
    return {(r << 16) | (g << 8) | b: v for (r, g, b), v in colours.items()}
