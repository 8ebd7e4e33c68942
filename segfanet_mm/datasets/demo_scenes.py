"""Deterministic synthetic infrared/visible scenes: the built-in demo data.

Each scene mimics what makes infrared-visible fusion worth doing:

* textured backgrounds (brick walls, road markings, foliage noise) are rich
  in the visible image by day and almost flat in infrared, where the scene is
  at a similar temperature;
* warm targets (people, vehicles) are bright, high-contrast blobs in
  infrared, and in the visible image are coloured objects that are easy to
  see by day and nearly lost at night (dark, low contrast, sensor noise).

Labels: 0 = background, 1 = person, 2 = vehicle. Every scene is a pure
function of ``(seed, index)``, so the data are identical on every machine.
The data are synthetic: numbers measured on them say that the code works,
not how well a method fuses real images.
"""
import os
import os.path as osp
import shutil
import tempfile
from typing import Dict, Tuple

import cv2
import numpy as np

DEMO_CLASSES = ('background', 'person', 'vehicle')
DEMO_PALETTE = [[0, 0, 0], [220, 20, 60], [0, 0, 142]]
DEMO_SPLITS = {'train': 64, 'val': 16}
DEMO_SIZE = (144, 192)  # H, W
DEMO_VERSION = 1


def _background(rng: np.random.Generator, h: int,
                w: int) -> Tuple[np.ndarray, np.ndarray]:
    """Visible texture (H x W x 3, float 0..1) and its dim IR counterpart."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    base = rng.uniform(0.35, 0.6, size=3).astype(np.float32)
    vis = np.ones((h, w, 3), np.float32) * base
    kind = rng.integers(0, 3)
    if kind == 0:  # brick wall
        bh, bw = rng.integers(8, 14), rng.integers(16, 28)
        row = (yy // bh).astype(int)
        mortar = ((yy % bh) < 2) | (((xx + (row % 2) * bw // 2) % bw) < 2)
        vis[mortar] *= 0.45
    elif kind == 1:  # road with lane markings
        period = rng.integers(18, 30)
        lanes = (np.abs(yy - h * rng.uniform(0.4, 0.7)) < 2) & (
            (xx % period) < period // 2)
        vis *= 0.7
        vis[lanes] = 0.95
    else:  # foliage-like band-pass noise
        noise = rng.normal(0, 1, (h // 4 + 1, w // 4 + 1)).astype(np.float32)
        noise = cv2.resize(noise, (w, h), interpolation=cv2.INTER_CUBIC)
        vis *= (1 + 0.35 * np.tanh(noise))[..., None]
    fine = rng.normal(0, 0.04, (h, w, 1)).astype(np.float32)
    vis = np.clip(vis + fine, 0, 1)
    # IR: ambient temperature with a smooth gradient; texture barely shows.
    grad = rng.uniform(-0.1, 0.1) * (yy / h) + rng.uniform(-0.1, 0.1) * (
        xx / w)
    ir = 0.25 + grad + 0.06 * (vis.mean(axis=2) - vis.mean())
    return vis, ir.astype(np.float32)


def _draw_person(mask: np.ndarray, cx: int, cy: int, s: float) -> None:
    cv2.ellipse(mask, (cx, cy), (max(2, int(4 * s)), max(4, int(11 * s))), 0,
                0, 360, 1, -1)
    cv2.circle(mask, (cx, cy - int(14 * s)), max(2, int(4 * s)), 1, -1)


def _draw_vehicle(mask: np.ndarray, cx: int, cy: int, s: float) -> None:
    w, h = int(22 * s), int(9 * s)
    cv2.rectangle(mask, (cx - w, cy - h), (cx + w, cy + h), 1, -1)
    cv2.rectangle(mask, (cx - w // 2, cy - 2 * h), (cx + w // 2, cy - h), 1,
                  -1)


def make_scene(seed: int,
               index: int,
               size: Tuple[int, int] = DEMO_SIZE) -> Dict[str, np.ndarray]:
    """Build one scene.

    Returns:
        dict with ``vis`` (H x W x 3 uint8 RGB), ``ir`` (H x W uint8),
        ``ann`` (H x W uint8 labels) and ``night`` (0-d bool array).
    """
    rng = np.random.default_rng([seed, index])
    h, w = size
    vis, ir = _background(rng, h, w)
    ann = np.zeros((h, w), np.uint8)
    night = bool(index % 2)
    for _ in range(rng.integers(2, 5)):
        label = int(rng.integers(1, 3))
        mask = np.zeros((h, w), np.uint8)
        s = float(rng.uniform(0.8, 1.5))
        cx, cy = int(rng.integers(20, w - 20)), int(rng.integers(28, h - 16))
        (_draw_person if label == 1 else _draw_vehicle)(mask, cx, cy, s)
        inside = mask.astype(bool)
        colour = rng.uniform(0.1, 0.9, size=3).astype(np.float32)
        shade = 1 + 0.15 * rng.normal(0, 1, (h, w, 1)).astype(np.float32)
        vis[inside] = np.clip(colour * shade[inside], 0, 1)
        ir[inside] = rng.uniform(0.75,
                                 0.95) + 0.03 * rng.normal(0, 1, inside.sum())
        ann[inside] = label
    if night:
        vis = vis * rng.uniform(0.08, 0.18) + rng.normal(
            0, 0.015, vis.shape).astype(np.float32)
    ir = cv2.GaussianBlur(ir, (3, 3), 0.8) + rng.normal(
        0, 0.01, ir.shape).astype(np.float32)
    to8 = lambda x: np.clip(np.rint(x * 255), 0, 255).astype(np.uint8)  # noqa
    return dict(vis=to8(vis), ir=to8(ir), ann=ann, night=np.array(night))


def write_demo_dataset(root: str, seed: int = 0) -> str:
    """Write the demo data set to ``root`` in the standard layout.

    ``root/{vis,ir,ann}/{train,val}/<stem>.png``. Stems say day or night.
    Written to a temporary sibling folder and renamed, so concurrent
    processes (distributed ranks, dataloader workers) never see a partial
    data set. Does nothing if ``root`` is already complete.
    """
    marker = osp.join(root, f'.complete_v{DEMO_VERSION}')
    if osp.isfile(marker):
        return root
    parent = osp.dirname(osp.abspath(root))
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix='.demo_tmp_', dir=parent)
    index = 0
    for split, count in DEMO_SPLITS.items():
        for folder in ('vis', 'ir', 'ann'):
            os.makedirs(osp.join(tmp, folder, split))
        for _ in range(count):
            scene = make_scene(seed, index)
            stem = f'{index:04d}_{"night" if scene["night"] else "day"}'
            cv2.imwrite(
                osp.join(tmp, 'vis', split, stem + '.png'),
                scene['vis'][..., ::-1])
            cv2.imwrite(osp.join(tmp, 'ir', split, stem + '.png'), scene['ir'])
            cv2.imwrite(
                osp.join(tmp, 'ann', split, stem + '.png'), scene['ann'])
            index += 1
    open(osp.join(tmp, f'.complete_v{DEMO_VERSION}'), 'w').close()
    if osp.isfile(marker):  # another process finished first
        shutil.rmtree(tmp, ignore_errors=True)
        return root
    try:
        if osp.isdir(root):  # stale copy from an older version
            shutil.rmtree(root, ignore_errors=True)
        os.rename(tmp, root)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)  # another process won
        if not osp.isfile(marker):
            raise
    return root
