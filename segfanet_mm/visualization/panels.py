"""Side-by-side panels that show what a fusion model does to one pair."""
from typing import List, Mapping, Optional, Sequence, Tuple

import cv2
import numpy as np


def colorize(
    seg: np.ndarray,
    palette: Sequence[Sequence[int]],
    ignore_colour: Sequence[int] = (255, 255, 255)
) -> np.ndarray:
    """Class indices (H x W) -> RGB using ``palette``; 255 (ignore) gets
    ``ignore_colour``."""
    table = np.zeros((256, 3), np.uint8)
    table[255] = ignore_colour
    table[:len(palette)] = np.asarray(palette, np.uint8)[:256]
    return table[seg.astype(np.uint8)]


def _label(tile: np.ndarray, text: str) -> np.ndarray:
    tile = tile.copy()
    cv2.putText(tile, text, (4, 14), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (0, 0, 0),
                3, cv2.LINE_AA)
    cv2.putText(tile, text, (4, 14), cv2.FONT_HERSHEY_SIMPLEX, 0.4,
                (255, 255, 255), 1, cv2.LINE_AA)
    return tile


def make_panel(ir: np.ndarray,
               vis: np.ndarray,
               fused_rgb: Optional[np.ndarray] = None,
               pred: Optional[np.ndarray] = None,
               gt: Optional[np.ndarray] = None,
               palette: Sequence[Sequence[int]] = ((0, 0, 0), ),
               height: int = 0) -> np.ndarray:
    """IR | visible | fused | prediction | ground truth, as one RGB image.

    Missing parts are left out. ``ir`` is H x W, the others H x W x 3 RGB or
    H x W class maps. ``height`` > 0 rescales every tile to that height.
    """
    tiles = [('infrared', np.repeat(ir[..., None], 3, axis=2)),
             ('visible', vis)]
    if fused_rgb is not None:
        tiles.append(('fused', fused_rgb))
    if pred is not None:
        tiles.append(('prediction', colorize(pred, palette)))
    if gt is not None:
        tiles.append(('ground truth', colorize(gt, palette)))
    return _labelled_row(tiles, height)


def _labelled_row(tiles: List[Tuple[str, np.ndarray]],
                  height: int,
                  interpolation: int = cv2.INTER_NEAREST) -> np.ndarray:
    """Label each (name, RGB tile), rescale to ``height`` (> 0), concat."""
    out = []
    for name, tile in tiles:
        if height and tile.shape[0] != height:
            width = round(tile.shape[1] * height / tile.shape[0])
            tile = cv2.resize(
                tile, (width, height), interpolation=interpolation)
        out.append(_label(np.ascontiguousarray(tile, np.uint8), name))
    return np.concatenate(out, axis=1)


def make_comparison(ir: np.ndarray,
                    vis: np.ndarray,
                    fused: Mapping[str, np.ndarray],
                    height: int = 0) -> np.ndarray:
    """IR | visible | one tile per fusion method (name -> H x W x 3 RGB),
    as one RGB row; stack rows of several pairs with the same ``height``
    (area interpolation, so photographs stay smooth when shrunk)."""
    tiles = [('infrared', np.repeat(ir[..., None], 3, axis=2)),
             ('visible', vis)]
    tiles += list(fused.items())
    return _labelled_row(tiles, height, cv2.INTER_AREA)
