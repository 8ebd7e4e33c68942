"""Picture comparing fusion methods on a few pairs: one row per pair,
IR | visible | one column per method [| segmentation maps | ground truth].

    python tools/analysis_tools/compare_fusion.py --ir DIR --vis DIR \\
        --method max=results/max/fused_rgb --method SegFANet-S=out/fused_rgb \\
        --stems manCall nightCar walking --height 240 --out compare.png

Each ``--method NAME=DIR`` holds fused RGB images named by stem (as
``tools/fuse.py`` writes them). ``--seg NAME=DIR`` adds a column of class
index maps (``tools/test.py --out``'s ``seg/``) and ``--gt DIR`` one of
ground-truth labels, both coloured with the palette of ``--dataset``.
Pairs are matched by stem; a stem missing from any folder is an error that
names the folder.
"""
import argparse
import os
import os.path as osp

import numpy as np

import segfanet_mm  # noqa: F401  (registers the datasets)
from segfanet_mm.datasets.ivf_dataset import list_images, registered_metainfo
from segfanet_mm.datasets.transforms import (load_infrared, load_label_map,
                                             load_visible)
from segfanet_mm.utils import atomic_imwrite
from segfanet_mm.visualization import colorize, make_comparison


def dataset_palette(dataset: str) -> list:
    """The palette of a registered dataset class (e.g. ``MSRSDataset``)."""
    try:
        return list(registered_metainfo(dataset)['palette'])
    except KeyError as err:
        raise SystemExit(f'error: {err.args[0]}')


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--ir', required=True, help='infrared folder')
    parser.add_argument('--vis', required=True, help='visible folder')
    parser.add_argument(
        '--method',
        action='append',
        default=[],
        metavar='NAME=DIR',
        help='fused RGB folder (repeat)')
    parser.add_argument(
        '--seg',
        action='append',
        default=[],
        metavar='NAME=DIR',
        help='class index maps (repeat)')
    parser.add_argument('--gt', help='ground-truth label folder')
    parser.add_argument(
        '--dataset',
        default='MSRSDataset',
        help='registered dataset whose palette colours '
        '--seg and --gt')
    parser.add_argument('--stems', nargs='+', required=True)
    parser.add_argument(
        '--height', type=int, default=240, help='tile height in pixels')
    parser.add_argument('--out', required=True, help='output image file')
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    folders = {'infrared': args.ir, 'visible': args.vis}
    for item in args.method:
        name, sep, folder = item.partition('=')
        if not sep or not name or name in folders:
            raise SystemExit(f'error: --method needs a new NAME=DIR, got '
                             f'{item!r}')
        folders[name] = folder
    seg_folders = {}
    for item in args.seg:
        name, sep, folder = item.partition('=')
        if not sep or not name or name in folders or name in seg_folders:
            raise SystemExit(f'error: --seg needs a new NAME=DIR, got '
                             f'{item!r}')
        seg_folders[name] = folder
    if args.gt:
        seg_folders['ground truth'] = args.gt
    if not args.method and not seg_folders:
        raise SystemExit('error: give at least one --method, --seg or --gt')
    palette = dataset_palette(args.dataset) if seg_folders else None
    folders.update(seg_folders)
    files = {name: list_images(folder) for name, folder in folders.items()}
    rows = []
    for stem in args.stems:
        for name, folder in folders.items():
            if stem not in files[name]:
                raise SystemExit(f'error: no image {stem!r} in {folder} '
                                 f'({name})')
        fused = {
            name:
            colorize(load_label_map(files[name][stem], len(palette)), palette)
            if name in seg_folders else load_visible(files[name][stem])
            for name in list(folders)[2:]
        }
        rows.append(
            make_comparison(
                load_infrared(files['infrared'][stem]),
                load_visible(files['visible'][stem]), fused, args.height))
    width = max(row.shape[1] for row in rows)
    rows = [
        np.pad(row, ((0, 0), (0, width - row.shape[1]), (0, 0)))
        for row in rows
    ]
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    atomic_imwrite(args.out, np.concatenate(rows, axis=0)[..., ::-1].copy())
    print(f'wrote {osp.abspath(args.out)}')


if __name__ == '__main__':
    main()
