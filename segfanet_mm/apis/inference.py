"""Python API: load a SegFANet model and fuse image pairs.

    >>> from segfanet_mm.apis import init_fusion_model, fuse_pair
    >>> model = init_fusion_model(
    ...     'configs/segfanet/segfanet-s_1xb4-400i_demo-128x128.py',
    ...     'model.pth')
    >>> result = fuse_pair(model, 'ir.png', 'vis.png')
    >>> result.fused.shape, result.fused_rgb.shape, result.seg.shape
"""
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Tuple, Union

import numpy as np
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import CheckpointLoader, load_state_dict
from mmseg.registry import DATASETS, MODELS
from mmseg.structures import SegDataSample
from torch import nn

from ..datasets.transforms.image_io import (ImageReadError, load_infrared,
                                            load_visible, to_infrared,
                                            to_visible)
from ..utils.checkpoint_checks import check_state_dict_fits, state_dict_of
from ..utils.uint8_image import to_uint8_image
from .config_utils import load_config

ImageLike = Union[str, Path, np.ndarray]


@dataclass
class FusionResult:
    """Fused outputs at the input's size.

    Attributes:
        fused: H x W uint8 fused luminance.
        fused_rgb: H x W x 3 uint8 RGB: fused luminance with the visible
            image's chrominance (BT.601 YCbCr).
        seg: H x W uint8 predicted class indices (None for a fusion-only
            model).
    """
    fused: np.ndarray
    fused_rgb: np.ndarray
    seg: Optional[np.ndarray]


def result_from_sample(sample: SegDataSample) -> FusionResult:
    """Turn a predicted data sample into :class:`FusionResult` images."""
    if 'pred_fused' not in sample:
        raise ValueError('the model predicts no fused image (pred_fused); '
                         'use a SegFANet config')
    seg = sample.pred_sem_seg.data[0].to(torch.uint8).cpu().numpy() \
        if 'pred_sem_seg' in sample else None
    return FusionResult(
        fused=to_uint8_image(sample.pred_fused.data),
        fused_rgb=to_uint8_image(sample.pred_fused_rgb.data),
        seg=seg)


def _dataset_meta_from_config(config: Config) -> Optional[dict]:
    """Classes and palette of the config's test data set class."""
    dataset = config.get('test_dataloader', {}).get('dataset', {})
    dataset_cls = DATASETS.get(dataset.get('type', ''))
    meta = dict(getattr(dataset_cls, 'METAINFO', {}))
    meta.update(dataset.get('metainfo') or {})
    return meta or None


def init_fusion_model(config: Union[str, Path, Config],
                      checkpoint: Optional[str] = None,
                      device: str = 'cpu',
                      cfg_options: Optional[dict] = None,
                      strict: bool = True) -> nn.Module:
    """Build a model from a config and load a checkpoint, as mmseg's
    ``init_model`` does, but also from a plain state dict (the released
    weights carry no ``meta``): classes and palette then come from the
    config's data set.

    Loading is strict: a checkpoint that does not fit the config (another
    variant, number of classes or model) raises
    :class:`~segfanet_mm.utils.checkpoint_checks.CheckpointMismatchError`
    naming the missing, unexpected and mis-shaped tensors, instead of
    fusing with a partly random network. ``strict=False`` loads what fits
    (and warns about the rest), e.g. to start fine-tuning.
    """
    if not isinstance(config, Config):
        config = load_config(str(config), cfg_options)
    elif cfg_options:
        config.merge_from_dict(cfg_options)
    config.model.pretrained = None
    config.model.train_cfg = None
    init_default_scope(config.get('default_scope', 'mmseg'))
    model = MODELS.build(config.model)
    meta = None
    if checkpoint is not None:
        loaded = CheckpointLoader.load_checkpoint(
            checkpoint, map_location='cpu')
        if strict:
            check_state_dict_fits(model, loaded, checkpoint)
        load_state_dict(model, state_dict_of(loaded))
        meta = loaded.get('meta', {}).get('dataset_meta') if isinstance(
            loaded, dict) else None
    model.dataset_meta = meta or _dataset_meta_from_config(config)
    model.cfg = config
    return model.to(device).eval()


def _read(image: ImageLike,
          infrared: bool,
          name: str,
          ir_range: Optional[Tuple[float, float]] = None) -> np.ndarray:
    """A path or a user's array through the one image reader
    (:mod:`segfanet_mm.datasets.transforms.image_io`)."""
    if isinstance(image, np.ndarray):
        return to_infrared(image, name, ir_range) if infrared else \
            to_visible(image, name)
    path = str(image)
    return load_infrared(path, ir_range=ir_range) if infrared else \
        load_visible(path)


def stack_pair(ir: ImageLike,
               vis: ImageLike,
               ir_range: Optional[Tuple[float, float]] = None) -> np.ndarray:
    """Read/convert a pair and stack it as H x W x 4 uint8 (RGB, IR).

    Files and arrays follow one policy (the table in
    ``docs/reliability.md``): EXIF orientation applied, alpha dropped,
    visible float ranges inferred (0..1, 0..255 or 0..65535; ambiguous ones
    refused), NaN/Inf set to the lowest finite value with a warning, 8-bit
    infrared as stored and deeper infrared stretched between its 0.5th and
    99.5th percentiles, or ``ir_range=(low, high)`` mapped to 0..255 for
    every pair (so the frames of a sequence stay comparable).
    """
    ir_name = str(ir) if not isinstance(ir, np.ndarray) else 'infrared array'
    vis_name = str(vis) if not isinstance(vis, np.ndarray) else 'visible array'
    ir_img = _read(ir, True, ir_name, ir_range)
    vis_img = _read(vis, False, vis_name)
    if ir_img.shape[:2] != vis_img.shape[:2]:
        raise ImageReadError(
            f'infrared/visible size mismatch: {ir_name} is '
            f'{ir_img.shape[1]}x{ir_img.shape[0]} (WxH) but {vis_name} is '
            f'{vis_img.shape[1]}x{vis_img.shape[0]}')
    return np.concatenate([vis_img, ir_img[..., None]], axis=2)


def slide_test_cfg(tile: int) -> dict:
    """``test_cfg`` of sliding-window inference: ``tile`` x ``tile``
    windows overlapping by 1/4."""
    stride = max(1, tile * 3 // 4)
    return dict(mode='slide', crop_size=(tile, tile), stride=(stride, stride))


def use_tiles_if_large(model: nn.Module, height: int, width: int,
                       tile: Optional[int]) -> None:
    """Switch to sliding-window inference (:func:`slide_test_cfg`) when the
    image exceeds ``tile``; whole-image otherwise."""
    model.test_cfg = slide_test_cfg(tile) if tile and max(
        height, width) > tile else dict(mode='whole')


@torch.no_grad()
def fuse_pair(model: nn.Module,
              ir: ImageLike,
              vis: ImageLike,
              tile: Optional[int] = 1024,
              ir_range: Optional[Tuple[float, float]] = None) -> FusionResult:
    """Fuse one infrared/visible pair (paths or numpy arrays).

    Arrays follow the file conventions: visible RGB (or grey/RGBA; uint8,
    uint16 or float), infrared grey (or 3-channel grey; 8-bit, deeper or
    float), read as :func:`stack_pair` reads them; ``ir_range`` fixes the
    infrared range for a whole sequence. Images larger than ``tile`` on a
    side are fused in overlapping tiles, so memory stays bounded.
    """
    pair = stack_pair(ir, vis, ir_range)
    height, width = pair.shape[:2]
    use_tiles_if_large(model, height, width, tile)
    sample = SegDataSample(
        metainfo=dict(
            ori_shape=(height, width),
            img_shape=(height, width),
            pad_shape=(height, width),
            img_path=str(vis) if not isinstance(vis, np.ndarray) else None))
    inputs = torch.from_numpy(np.ascontiguousarray(pair.transpose(2, 0, 1)))
    model.eval()
    sample = model.test_step(dict(inputs=[inputs], data_samples=[sample]))[0]
    return result_from_sample(sample)
