"""Fuse infrared/visible pairs with a trained model (or a classical rule).

    python tools/fuse.py CONFIG CHECKPOINT --ir PATH --vis PATH --out DIR
        [--device cpu|cuda] [--seg] [--tile 1024]
    python tools/fuse.py --rule mean|max --ir PATH --vis PATH --out DIR

PATH is one image or a folder (pairs matched by file stem; files without a
partner are listed and skipped). Writes ``DIR/fused/<stem>.png`` (fused
luminance), ``DIR/fused_rgb/<stem>.png`` (fused colour) and, with ``--seg``,
``DIR/seg/<stem>.png`` (class indices) and ``DIR/seg_overlay/<stem>.png``.
Images of any size work; those larger than ``--tile`` on a side are fused in
overlapping tiles so memory stays bounded. Inputs are never overwritten.
``--rule`` replaces the model by the pixel-wise mean or maximum of IR and the
visible luminance (colour reattached the same way): the classical baselines.
"""
import argparse
import os
import os.path as osp
import sys
from typing import Dict, List, Tuple

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

import segfanet_mm  # noqa: E402,F401  (patches mmseg before it is used)
import numpy as np  # noqa: E402
from rich.progress import (BarColumn, MofNCompleteColumn,  # noqa: E402
                           Progress, TextColumn, TimeRemainingColumn)

from segfanet_mm.apis import (fuse_pair, fuse_pair_classical,  # noqa: E402
                              init_fusion_model)
from segfanet_mm.apis.classical_fusion import RULES  # noqa: E402
from segfanet_mm.datasets.ivf_dataset import list_images  # noqa: E402
from segfanet_mm.datasets.transforms.image_io import (  # noqa: E402
    ImageReadError, image_stem)
from segfanet_mm.utils import (OutputOverlapError, atomic_imwrite,  # noqa: E402
                               check_output_file, check_output_folder,
                               resolved)
from segfanet_mm.visualization import colorize  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', nargs='?', help='model config')
    parser.add_argument('checkpoint', nargs='?', help='model weights')
    parser.add_argument(
        '--rule',
        choices=sorted(RULES),
        help='fuse with a classical pixel-wise rule instead of a model')
    parser.add_argument('--ir', required=True, help='infrared image/folder')
    parser.add_argument('--vis', required=True, help='visible image/folder')
    parser.add_argument('--out', required=True, help='output folder')
    parser.add_argument('--device', default='cpu', help='cpu, cuda, cuda:1')
    parser.add_argument(
        '--seg', action='store_true', help='also write segmentation maps')
    parser.add_argument(
        '--tile',
        type=int,
        default=1024,
        help='fuse images larger than this in overlapping tiles (0: never)')
    args = parser.parse_args()
    given = [x for x in (args.config, args.checkpoint) if x is not None]
    if len(given) != (0 if args.rule else 2):
        parser.error('give CONFIG and CHECKPOINT, or --rule (not both)')
    return args


def match_pairs(ir: str, vis: str) -> Tuple[List[Tuple[str, str, str]],
                                            List[str]]:
    """(stem, ir_path, vis_path) triples and messages for unmatched files."""
    if osp.isfile(ir) and osp.isfile(vis):
        return [(image_stem(vis), ir, vis)], []
    if not (osp.isdir(ir) and osp.isdir(vis)):
        for path in (ir, vis):
            if not osp.exists(path):
                raise SystemExit(f'error: {path} does not exist')
        raise SystemExit('error: --ir and --vis must both be files or both '
                         'be folders')
    irs: Dict[str, str] = list_images(ir)
    viss: Dict[str, str] = list_images(vis)
    pairs = [(s, irs[s], viss[s]) for s in sorted(set(irs) & set(viss))]
    unmatched = [f'{p}: no visible partner in {vis}'
                 for s, p in sorted(irs.items()) if s not in viss]
    unmatched += [f'{p}: no infrared partner in {ir}'
                  for s, p in sorted(viss.items()) if s not in irs]
    return pairs, unmatched


def overlay(rgb: np.ndarray, seg: np.ndarray, palette) -> np.ndarray:
    """Blend class colours (background left clear) over an RGB image."""
    colours = colorize(seg, palette)
    mask = (seg > 0)[..., None]
    return np.where(mask, (0.5 * rgb + 0.5 * colours).astype(np.uint8), rgb)


def main() -> None:
    args = parse_args()
    pairs, unmatched = match_pairs(args.ir, args.vis)
    for message in unmatched:
        print(f'skipped (unmatched): {message}', file=sys.stderr)
    if not pairs:
        raise SystemExit('error: no infrared/visible pairs to fuse')
    sources = [p for _, ir, vis in pairs for p in (ir, vis)]
    try:
        check_output_folder(
            args.out, [p for p in (args.ir, args.vis) if osp.isdir(p)])
    except OutputOverlapError as err:
        raise SystemExit(f'error: {err}')
    inputs = resolved(sources)
    if args.rule:
        def fuse(ir, vis):
            return fuse_pair_classical(ir, vis, args.rule)
        palette = None
    else:
        model = init_fusion_model(args.config, args.checkpoint, args.device)
        palette = (getattr(model, 'dataset_meta', None) or {}).get(
            'palette') or [[0, 0, 0], [255, 64, 0]]

        def fuse(ir, vis):
            return fuse_pair(model, ir, vis, tile=args.tile or None)
    failures = []
    columns = (TextColumn('fusing'), BarColumn(), MofNCompleteColumn(),
               TextColumn('{task.fields[rate]:.2f} pairs/s'),
               TimeRemainingColumn())
    with Progress(*columns) as progress:
        task = progress.add_task('fuse', total=len(pairs), rate=0.0)
        for stem, ir, vis in pairs:
            try:
                result = fuse(ir, vis)
            except ImageReadError as err:
                failures.append(str(err))
                progress.advance(task)
                continue
            outputs = {'fused': result.fused,
                       'fused_rgb': result.fused_rgb[..., ::-1]}
            if args.seg and result.seg is not None:
                outputs['seg'] = result.seg
                outputs['seg_overlay'] = overlay(
                    result.fused_rgb, result.seg, palette)[..., ::-1]
            for field, image in outputs.items():
                path = osp.join(args.out, field, stem + '.png')
                try:
                    check_output_file(path, inputs)
                except OutputOverlapError as err:
                    raise SystemExit(f'error: {err}')
                os.makedirs(osp.dirname(path), exist_ok=True)
                atomic_imwrite(path, np.ascontiguousarray(image))
            progress.advance(task)
            elapsed = progress.tasks[0].elapsed or 1e-9
            progress.update(task, rate=progress.tasks[0].completed / elapsed)
    done = len(pairs) - len(failures)
    print(f'fused {done} pair(s) into {osp.abspath(args.out)}')
    for message in failures:
        print(f'failed: {message}', file=sys.stderr)
    if failures:
        sys.exit(1)


if __name__ == '__main__':
    main()
