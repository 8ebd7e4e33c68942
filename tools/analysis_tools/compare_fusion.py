"""Picture comparing fusion methods on a few pairs: one row per pair,
IR | visible | one column per method.

    python tools/analysis_tools/compare_fusion.py --ir DIR --vis DIR \\
        --method max=results/max/fused_rgb --method SegFANet-S=out/fused_rgb \\
        --stems manCall nightCar walking --height 240 --out compare.png

Each ``--method NAME=DIR`` holds fused RGB images named by stem (as
``tools/fuse.py`` writes them). Pairs are matched by stem; a stem missing
from any folder is an error that names the folder.
"""
import argparse
import os
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

import numpy as np  # noqa: E402

from segfanet_mm.datasets.ivf_dataset import list_images  # noqa: E402
from segfanet_mm.datasets.transforms.image_io import (  # noqa: E402
    load_infrared, load_visible)
from segfanet_mm.utils import atomic_imwrite  # noqa: E402
from segfanet_mm.visualization import make_comparison  # noqa: E402


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--ir', required=True, help='infrared folder')
    parser.add_argument('--vis', required=True, help='visible folder')
    parser.add_argument('--method', action='append', required=True,
                        metavar='NAME=DIR', help='fused RGB folder (repeat)')
    parser.add_argument('--stems', nargs='+', required=True)
    parser.add_argument('--height', type=int, default=240,
                        help='tile height in pixels')
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
    files = {name: list_images(folder) for name, folder in folders.items()}
    rows = []
    for stem in args.stems:
        for name, folder in folders.items():
            if stem not in files[name]:
                raise SystemExit(f'error: no image {stem!r} in {folder} '
                                 f'({name})')
        fused = {name: load_visible(files[name][stem])
                 for name in list(folders)[2:]}
        rows.append(make_comparison(
            load_infrared(files['infrared'][stem]),
            load_visible(files['visible'][stem]), fused, args.height))
    width = max(row.shape[1] for row in rows)
    rows = [np.pad(row, ((0, 0), (0, width - row.shape[1]), (0, 0)))
            for row in rows]
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    atomic_imwrite(args.out, np.concatenate(rows, axis=0)[..., ::-1].copy())
    print(f'wrote {osp.abspath(args.out)}')


if __name__ == '__main__':
    main()
