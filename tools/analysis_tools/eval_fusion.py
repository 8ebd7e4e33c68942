#!/usr/bin/env python
"""Evaluate a folder of fused images (any method) against IR/visible sources.

Example::

    python tools/analysis_tools/eval_fusion.py \\
        --fused work_dirs/fused --ir data/msrs/ir --vis data/msrs/vis \\
        --csv work_dirs/fusion_metrics.csv

Triples are matched by file stem across .png/.jpg/.jpeg/.bmp/.tif/.tiff
(case-insensitive); stems missing from any folder are listed, not silently
dropped. Every image is read by the project's one image reader
(``segfanet_mm/datasets/transforms/image_io.py``; policy table in
``docs/reliability.md``), exactly as ``tools/fuse.py`` and training read it:
infrared by ``load_infrared`` (deeper than 8 bits: stretched between its
0.5th and 99.5th percentiles), visible and fused images as RGB and then to
grey with the BT.601 rule (``round_half_even(0.299R + 0.587G + 0.114B)`` in
float32), the rule ``load_infrared`` applies to colour IR. Metrics and their
convention switches: ``docs/metrics.md``.

Arguments are checked before anything is computed. A metric that is
undefined on an image (e.g. PSNR of an all-zero fused image) is NaN in the
CSV; the table's statistics are over the images where it is defined (column
``n``), and a note names the metric, the images and the reason.
"""
import argparse
import math
import os
import os.path as osp
import sys

import numpy as np
import torch

from segfanet_mm.datasets.ivf_dataset import DatasetLayoutError
from segfanet_mm.datasets.ivf_dataset import list_images as scan_images
from segfanet_mm.datasets.transforms.image_io import (ImageReadError,
                                                      check_ir_range,
                                                      load_infrared,
                                                      load_visible)
from segfanet_mm.evaluation import functional, write_per_image_csv


class EvalError(RuntimeError):
    """A user-facing error (bad folder, unreadable image, size mismatch)."""


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Infrared-visible fusion metrics for a folder of fused '
        'images (default: EN, SD, SF, AG, MI, SCD, VIF, Qabf, SSIM, CC, '
        'PSNR, MSE; --metrics all adds the others).')
    parser.add_argument('--fused', required=True, help='fused images folder')
    parser.add_argument('--ir', required=True, help='infrared images folder')
    parser.add_argument('--vis', required=True, help='visible images folder')
    parser.add_argument('--csv', help='write per-image values to this CSV')
    parser.add_argument(
        '--ir-range',
        nargs=2,
        type=float,
        metavar=('LOW', 'HIGH'),
        help='map infrared values LOW..HIGH to 0..255 for every image, as '
        'tools/fuse.py --ir-range (give the range the images were fused '
        'with); default: 8-bit as stored, deeper data stretched per image '
        'between its 0.5th and 99.5th percentiles')
    parser.add_argument('--device', default='cpu', choices=['cpu', 'cuda'])
    parser.add_argument(
        '--threads',
        type=int,
        default=1,
        help='torch CPU threads per image (default 1: the '
        'lowest CPU time; 0 = torch default)')
    parser.add_argument(
        '--metrics',
        nargs='+',
        metavar='NAME',
        help="metric names, or 'all' (default: the twelve above): " +
        ', '.join(functional.ALL_METRIC_NAMES))
    conv = parser.add_argument_group(
        'convention switches (defaults = the metric fixture convention)')
    conv.add_argument(
        '--mi-base',
        default='e',
        choices=['e', '2'],
        help='MI in nats (e) or bits (2)')
    conv.add_argument(
        '--scale',
        type=int,
        default=255,
        choices=[255, 1],
        help='SD/SF/AG/MSE on 0..255 or as for [0,1] images')
    conv.add_argument(
        '--ssim-data-range',
        type=float,
        default=2.0,
        help='SSIM data range L (2 or 255)')
    conv.add_argument(
        '--psnr-peak',
        default='max',
        help="PSNR peak: 'max' (max of F) or a number (255)")
    conv.add_argument(
        '--psnr-cap',
        type=float,
        default=None,
        help='cap PSNR (dB) for identical images (default inf)')
    conv.add_argument(
        '--pair-reduction',
        default='sum',
        choices=['sum', 'mean'],
        help='SSIM and VIF: sum or mean over the two sources')
    conv.add_argument(
        '--ag-denominator', default='HW', choices=['HW', '(H-1)(W-1)'])
    conv.add_argument('--qabf-equal-rule', default='gF', choices=['gF', 'one'])
    conv.add_argument(
        '--undefined-weight',
        default='half',
        choices=['half', 'nan'],
        help='Qc/Qy where the local weight is 0/0: both '
        'sources weigh 1/2, or NaN as the MATLAB toolbox')
    conv.add_argument(
        '--nabf-call-order',
        default='paper',
        choices=['paper', 'tang'],
        help="Nabf: the paper's argument order, or Tang's "
        "script's (IR passed as the fused image; reproduces "
        'tables made with it)')
    parser.add_argument(
        '--strict',
        action='store_true',
        help='exit with status 1 if any image lacks a partner')
    parser.add_argument(
        '--no-progress',
        action='store_true',
        help='do not show a progress bar')
    return parser.parse_args(argv)


def list_images(folder: str) -> dict:
    """Map stem -> path for the image files directly inside ``folder``
    (the data sets' own scanner, so pairing rules are the same)."""
    if not osp.isdir(folder):
        raise EvalError(f'not a folder: {folder}')
    try:
        return scan_images(folder)
    except DatasetLayoutError as err:
        raise EvalError(str(err)) from None


def match_triples(fused: dict, ir: dict, vis: dict):
    """Return (complete stems, {stem: [missing folder names]})."""
    stems = set(fused) | set(ir) | set(vis)
    complete, missing = [], {}
    for stem in sorted(stems):
        lacks = [
            n for n, d in (('fused', fused), ('ir', ir), ('vis', vis))
            if stem not in d
        ]
        if lacks:
            missing[stem] = lacks
        else:
            complete.append(stem)
    return complete, missing


def read_rgb(path: str) -> np.ndarray:
    """8-bit RGB (H, W, 3) by the one image reader (``load_visible``)."""
    try:
        return load_visible(path)
    except ImageReadError as err:
        raise EvalError(f'cannot read image {err}') from None


def read_grey(path: str,
              functional,
              device,
              infrared: bool = False,
              ir_range=None) -> torch.Tensor:
    """BT.601 grey (1, H, W) uint8 on ``device``; an infrared source as
    ``load_infrared`` reads it (the grey that was fused), with the fixed
    ``ir_range`` if given."""
    if not infrared:
        rgb = torch.from_numpy(read_rgb(path)).to(device).permute(2, 0, 1)
        return functional.rgb_to_grey(rgb).to(torch.uint8)
    try:
        return torch.from_numpy(load_infrared(
            path, ir_range=ir_range))[None].to(device)
    except ImageReadError as err:
        raise EvalError(f'cannot read image {err}') from None


def report_missing(missing: dict, stream=sys.stdout, limit: int = 50):
    if not missing:
        return
    print(
        f'Missing partners: {len(missing)} stem(s) not found in every '
        'folder (not evaluated):',
        file=stream)
    for i, (stem, lacks) in enumerate(missing.items()):
        if i == limit:
            print(f'  ... and {len(missing) - limit} more', file=stream)
            break
        print(f"  {stem}: no {' / '.join(lacks)} image", file=stream)


def progress_iter(items, enabled: bool, description: str):
    if not enabled:
        yield from items
        return
    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress,
                               TextColumn, TimeRemainingColumn)
    console = Console(stderr=True)
    with Progress(
            TextColumn('{task.description}'),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=False) as progress:
        task = progress.add_task(description, total=len(items))
        for item in items:
            yield item
            progress.advance(task)


def check_output(path) -> None:
    """Fail before computing if ``--csv`` cannot be written: a folder, a
    parent that is a file, or a folder without write permission."""
    if path is None:
        return
    if osp.isdir(path):
        raise EvalError(f'--csv {path} is a folder; give a file name, e.g. '
                        f"{osp.join(path, 'fusion_metrics.csv')}")
    parent = osp.dirname(osp.abspath(path))
    while not osp.exists(parent):
        parent = osp.dirname(parent)
    if not osp.isdir(parent):
        raise EvalError(f'--csv {path}: {parent} is a file, not a folder')
    if not os.access(parent, os.W_OK | os.X_OK):
        raise EvalError(f'--csv {path}: no write permission in {parent}')
    if osp.exists(path) and not os.access(path, os.W_OK):
        raise EvalError(f'--csv {path}: file is not writable')


def evaluate(args, functional):
    device = torch.device(args.device)
    if device.type == 'cuda' and not torch.cuda.is_available():
        raise EvalError('--device cuda requested but CUDA is not available')
    check_output(args.csv)
    try:
        ir_range = check_ir_range(args.ir_range)
    except ValueError as err:
        raise EvalError(f'--ir-range: {err}') from None
    psnr_peak = args.psnr_peak
    if psnr_peak != 'max':
        try:
            psnr_peak = float(psnr_peak)
        except ValueError:
            raise EvalError("--psnr-peak must be 'max' or a number") from None
    convention = functional.FusionConvention(
        mi_base=args.mi_base,
        scale=args.scale,
        ssim_data_range=args.ssim_data_range,
        psnr_peak=psnr_peak,
        psnr_cap=args.psnr_cap,
        pair_reduction=args.pair_reduction,
        ag_denominator=args.ag_denominator,
        qabf_equal_rule=args.qabf_equal_rule,
        undefined_weight=args.undefined_weight,
        nabf_call_order=args.nabf_call_order)
    try:
        names = list(
            functional.fusion_metrics.resolve_metric_names(args.metrics))
    except KeyError as err:
        raise EvalError(str(err.args[0])) from None

    folders = {'fused': args.fused, 'ir': args.ir, 'vis': args.vis}
    files = {k: list_images(v) for k, v in folders.items()}
    stems, missing = match_triples(files['fused'], files['ir'], files['vis'])
    report_missing(missing)
    if not stems:
        raise EvalError('no complete (fused, ir, vis) triple found')

    show = not args.no_progress and sys.stderr.isatty()
    rows = []
    for stem in progress_iter(stems, show, 'Evaluating'):
        paths = {k: files[k][stem] for k in folders}
        grey = {
            k:
            read_grey(
                p, functional, device, infrared=k == 'ir', ir_range=ir_range)
            for k, p in paths.items()
        }
        shapes = {k: tuple(v.shape[-2:]) for k, v in grey.items()}
        if len(set(shapes.values())) != 1:
            raise EvalError(f'size mismatch for {stem!r}: ' + ', '.join(
                f'{paths[k]} is {shapes[k][1]}x{shapes[k][0]}'
                for k in folders))
        values = functional.compute_fusion_metrics(grey['fused'], grey['ir'],
                                                   grey['vis'], convention,
                                                   names)
        row = {'img_name': stem}
        row.update({k: float(v[0]) for k, v in values.items()})
        rows.append(row)
    return rows, names, convention, missing


def print_table(rows, names, convention):
    from rich.console import Console
    from rich.table import Table
    title = (f'Fusion metrics, mean over {len(rows)} images — '
             f'{convention.short_name()}')
    table = Table(
        title=title,
        title_justify='left',
        caption=convention.describe(),
        caption_justify='left',
        min_width=min(len(title) + 4, 160))
    for col in ('Metric', 'n', 'Mean', 'Std', 'Min', 'Max'):
        table.add_column(col, justify='left' if col == 'Metric' else 'right')
    for k in names:
        v = np.asarray([r[k] for r in rows], dtype=np.float64)
        v = v[~np.isnan(v)]  # undefined values: see undefined_notes()
        stats = (v.mean(), v.std(), v.min(), v.max()) if v.size else \
            (math.nan, ) * 4
        table.add_row(k, str(v.size), *(f'{x:.6g}' for x in stats))
    Console(width=None if sys.stdout.isatty() else 160).print(table)


def undefined_notes(rows, names, limit: int = 5) -> list:
    """One line per metric that is NaN on some images: how many, which
    (the first ``limit``) and why."""
    notes = []
    for k in names:
        bad = [r['img_name'] for r in rows if math.isnan(r[k])]
        if not bad:
            continue
        shown = ', '.join(bad[:limit]) + (' ...' if len(bad) > limit else '')
        why = functional.fusion_metrics.NAN_CASES.get(k, 'undefined input')
        notes.append(f'note: {k} undefined (NaN) on {len(bad)} of '
                     f'{len(rows)} image(s) ({shown}): {why}')
    return notes


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    try:
        with torch.no_grad():
            rows, names, convention, missing = evaluate(args, functional)
    except (EvalError, ValueError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 1
    print_table(rows, names, convention)
    if args.csv:
        write_per_image_csv(rows, args.csv, names)
        print(f'per-image values written to {args.csv}')
    if args.strict and missing:
        print(
            f'error: {len(missing)} stem(s) without a complete triple '
            '(--strict)',
            file=sys.stderr)
        return 1
    for note in undefined_notes(rows, names):
        print(note, file=sys.stderr)
    return 0


if __name__ == '__main__':
    sys.exit(main())
