"""Geometric augmentation moves infrared, visible and label together."""
import cv2
import numpy as np
import pytest
from mmcv.transforms import Compose

GEOMETRIC = [
    dict(
        type='RandomResize',
        scale=(112, 80),
        ratio_range=(0.6, 1.7),
        keep_ratio=True),
    dict(type='IVFRandomCrop', crop_size=(64, 64), cat_max_ratio=0.9),
    dict(type='RandomFlip', prob=0.5, direction=['horizontal', 'vertical']),
    dict(type='Pad', size=(72, 72), pad_val=dict(img=0, seg=255)),
]


def block_scene(tmp_path):
    """8 x 10 blocks of 10 px; block k has IR = VIS_R = 10 + 3k, label k % 3.

    Any transform applied to one modality and not the other breaks
    ``IR == VIS_R``; a label moved differently breaks the block/label code.
    """
    k = np.arange(80).reshape(8, 10)
    code = np.kron(10 + 3 * k, np.ones((10, 10), int)).astype(np.uint8)
    label = np.kron(k % 3, np.ones((10, 10), int)).astype(np.uint8)
    vis = np.dstack([code, 255 - code, code])
    cv2.imwrite(str(tmp_path / 'v.png'), vis[..., ::-1])
    cv2.imwrite(str(tmp_path / 'i.png'), code)
    cv2.imwrite(str(tmp_path / 'a.png'), label)
    return dict(
        vis_path=str(tmp_path / 'v.png'),
        ir_path=str(tmp_path / 'i.png'),
        seg_map_path=str(tmp_path / 'a.png'),
        num_classes=3,
        seg_fields=[],
        reduce_zero_label=False)


def test_ir_visible_label_stay_aligned(tmp_path):
    info = block_scene(tmp_path)
    pipeline = Compose(
        [dict(type='LoadIRVisPair'),
         dict(type='LoadIVFAnnotations')] + GEOMETRIC)
    np.random.seed(0)
    flips = set()
    for _ in range(40):
        out = pipeline(dict(info, seg_fields=[]))
        img, seg = out['img'].astype(int), out['gt_seg_map'].astype(int)
        assert img.shape[:2] == seg.shape == (72, 72)
        flips.add(out['flip_direction'] if out['flip'] else None)
        assert (img[..., 3] == img[..., 0]).all()  # IR moved with VIS
        assert (abs(img[..., 1] + img[..., 0] - 255) <= 1)[seg != 255].all()
        # Inside blocks (flat 3x3 neighbourhood) the label is the code's.
        flat = cv2.dilate(img[..., 3].astype(np.uint8), np.ones((3, 3))) == \
            cv2.erode(img[..., 3].astype(np.uint8), np.ones((3, 3)))
        inside = flat & (seg != 255) & ((img[..., 3] - 10) % 3 == 0)
        expected = ((img[..., 3] - 10) // 3) % 3
        assert inside.sum() > 200
        assert (seg[inside] == expected[inside]).all()
    assert len(flips) >= 2  # the loop really exercised flips


def test_photometric_distortion_touches_visible_only(tmp_path):
    info = block_scene(tmp_path)
    load = Compose([dict(type='LoadIRVisPair')])
    distort = Compose(
        [dict(type='VisiblePhotoMetricDistortion', brightness_delta=60)])
    np.random.seed(1)
    before = load(dict(info))['img'].copy()
    changed = 0
    for _ in range(5):
        after = distort(dict(img=before.copy()))['img']
        assert (after[..., 3] == before[..., 3]).all()
        changed += int((after[..., :3] != before[..., :3]).any())
    assert changed >= 3


def _ring_contrast(ir: np.ndarray, mask: np.ndarray) -> float:
    """Mean IR inside a mask minus the mean in a 4-pixel ring around it."""
    ring = cv2.dilate(mask.astype(np.uint8), np.ones((9, 9))).astype(bool)
    return ir[mask].mean() - ir[ring & ~mask].mean()


def test_msrs_mini_masks_stay_on_warm_people(shared_data):
    """On real MSRS pairs, person masks sit on warm IR pixels after
    augmentation, clearly more than a mask flipped on its own would."""
    root = shared_data / 'msrs_mini'
    if not root.is_dir():
        pytest.skip('msrs_mini not available')
    pipeline = Compose([
        dict(type='LoadIRVisPair'),
        dict(type='LoadIVFAnnotations'),
        dict(
            type='RandomResize',
            scale=(640, 480),
            ratio_range=(0.75, 1.25),
            keep_ratio=True),
        dict(type='IVFRandomCrop', crop_size=(320, 400)),
        dict(
            type='RandomFlip', prob=0.5, direction=['horizontal', 'vertical'])
    ])
    np.random.seed(2)
    right, wrong = [], []
    for path in sorted((root / 'ir').glob('*.png')):
        info = dict(
            vis_path=str(root / 'vis' / path.name),
            ir_path=str(path),
            seg_map_path=str(root / 'label' / path.name))
        for _ in range(3):
            out = pipeline(dict(info, seg_fields=[]))
            person = out['gt_seg_map'] == 255  # msrs_mini: 255 = person
            if person.sum() < 200:
                continue
            ir = out['img'][..., 3].astype(float)
            right.append(_ring_contrast(ir, person))
            wrong.append(_ring_contrast(ir, np.flip(person, 1)))
            assert right[-1] > 10, path.name
    assert len(right) >= 10
    assert np.mean(right) > 25
    assert np.mean(right) > np.mean(wrong) + 15
