"""Write what a config's pipeline feeds the model, to check alignment.

    python tools/analysis_tools/browse_dataset.py CONFIG [--split train]
        [--out DIR] [--num 20] [--cfg-options key=value ...]

For each of the first ``--num`` samples of the split's dataset, after the
full pipeline (augmentations included), writes ``OUT/<stem>.png``, panels
side by side, separated by white bars: infrared | visible | label in the
dataset's palette | label over the visible image (half transparent).
Ignored pixels (255) are magenta in the label panel and left uncoloured in
the overlay. Label-free samples get the first two panels only. Default
``OUT``: ``work_dirs/browse/<config name>/<split>``.
"""
import argparse
import os
import os.path as osp
from typing import Optional, Sequence

import numpy as np
from mmengine.config import DictAction
from mmengine.registry import init_default_scope
from mmseg.registry import DATASETS

import segfanet_mm  # noqa: F401  (patches mmseg before it is used)
from segfanet_mm.apis import load_config
from segfanet_mm.utils import atomic_imwrite
from segfanet_mm.visualization import colorize

GAP = 4
IGNORE_COLOUR = (255, 0, 255)


def make_panels(inputs: np.ndarray, label: Optional[np.ndarray],
                palette: Sequence) -> np.ndarray:
    """Side-by-side RGB panels from a packed 4 x H x W sample (visible RGB +
    IR) and its H x W label, if any."""
    vis = np.ascontiguousarray(inputs[:3].transpose(1, 2, 0))
    panels = [np.repeat(inputs[3][..., None], 3, axis=2), vis]
    if label is not None:
        colours = colorize(label, palette, IGNORE_COLOUR)
        overlay = vis.copy()
        valid = label != 255
        overlay[valid] = (vis[valid] // 2 + colours[valid] // 2)
        panels += [colours, overlay]
    gap = np.full((vis.shape[0], GAP, 3), 255, np.uint8)
    return np.concatenate(
        [p for panel in panels for p in (panel, gap)][:-1], axis=1)


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Write IR | visible | label panels after the pipeline')
    parser.add_argument('config', help='config file path')
    parser.add_argument(
        '--split',
        choices=['train', 'val', 'test'],
        default='train',
        help='which dataloader to browse')
    parser.add_argument('--out', help='output folder')
    parser.add_argument(
        '--num', type=int, default=20, help='number of samples to write')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings in the config, key=value (mmseg syntax)')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> str:
    args = parse_args(argv)
    cfg = load_config(args.config, args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    dataset = DATASETS.build(cfg[f'{args.split}_dataloader'].dataset)
    out = args.out or osp.join('work_dirs', 'browse',
                               osp.splitext(osp.basename(cfg.filename))[0],
                               args.split)
    os.makedirs(out, exist_ok=True)
    palette = dataset.metainfo['palette']
    count = min(args.num, len(dataset))
    for index in range(count):
        sample = dataset[index]
        data_sample = sample['data_samples']
        label = data_sample.gt_sem_seg.data[0].numpy() \
            if 'gt_sem_seg' in data_sample else None
        panels = make_panels(sample['inputs'].numpy(), label, palette)
        stem = osp.splitext(osp.basename(data_sample.vis_path))[0]
        atomic_imwrite(
            osp.join(out, stem + '.png'),
            np.ascontiguousarray(panels[..., ::-1]))
    print(f'wrote {count} panel image(s) to {out}')
    return out


if __name__ == '__main__':
    main()
