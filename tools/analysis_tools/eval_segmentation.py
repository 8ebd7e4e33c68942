"""mIoU and per-class IoU of predicted label maps, per method, overall and
per group of images (e.g. MSRS day ``D`` and night ``N`` frames), with the
spread over seeds.

    python tools/analysis_tools/eval_segmentation.py --label LABEL_DIR \\
        --method SegFANet-S=seed0/seg,seed1/seg,seed2/seg \\
        --method visible-only=vis/seg --dataset MSRSDataset \\
        --group day='D$' --group night='N$' --csv table.csv --md table.md

Each ``--method NAME=DIR[,DIR...]`` names one folder of predicted class
index maps per seed (``tools/test.py --out`` writes them to ``OUT/seg``),
named by the label's stem. IoU is mmseg's (``IoUMetric``: areas summed over
all images of a group, then IoU per class; ``ignore_index`` pixels are left
out; a class absent from a group's labels and predictions is NaN and left
out of that group's mIoU). With several seeds each cell is the mean over
seeds and the Markdown adds ``± std`` (sample standard deviation) to mIoU.
Groups are regular expressions searched in the stem; ``all`` is always
there. A prediction missing, unreadable or of another size than its label
is an error naming the file.
"""
import argparse
import csv
import os
import os.path as osp
import re
import warnings
from typing import Dict, List, Sequence

import numpy as np
import torch

import segfanet_mm  # noqa: F401  (registers the datasets)
from segfanet_mm.datasets.ivf_dataset import list_images, registered_metainfo
from segfanet_mm.datasets.transforms import ImageReadError, load_label_map
from segfanet_mm.utils import atomic_write_bytes


def class_names(dataset: str) -> Sequence[str]:
    """Class names of a registered dataset (e.g. ``MSRSDataset``)."""
    try:
        return tuple(registered_metainfo(dataset)['classes'])
    except KeyError as err:
        raise SystemExit(f'error: {err.args[0]}')


def read_labels(path: str, num_classes: int) -> np.ndarray:
    """:func:`load_label_map`, exiting with its message on bad files."""
    try:
        return load_label_map(path, num_classes)
    except (ImageReadError, OSError) as err:
        raise SystemExit(f'error: {err}')


def group_ious(preds: Dict[str, str], labels: Dict[str,
                                                   str], stems: Sequence[str],
               num_classes: int, ignore_index: int) -> np.ndarray:
    """Per-class IoU (NaN where a class is absent from both) over ``stems``,
    from areas summed over those images as mmseg's ``IoUMetric`` does."""
    from mmseg.evaluation.metrics import IoUMetric
    inter = torch.zeros(num_classes, dtype=torch.float64)
    union = torch.zeros_like(inter)
    for stem in stems:
        label = read_labels(labels[stem], num_classes)
        pred = read_labels(preds[stem], num_classes)
        if pred.shape != label.shape:
            raise SystemExit(f'error: {preds[stem]}: size {pred.shape} '
                             f'differs from its label {label.shape} '
                             f'({labels[stem]})')
        i, u, _, _ = IoUMetric.intersect_and_union(
            torch.from_numpy(pred.astype(np.int64)),
            torch.from_numpy(label.astype(np.int64)), num_classes,
            ignore_index)
        inter += i.double()
        union += u.double()
    with np.errstate(invalid='ignore', divide='ignore'):
        return (inter / union).numpy()


def evaluate(label_dir: str,
             seed_dirs: Sequence[str],
             groups: Dict[str, str],
             num_classes: int,
             ignore_index: int = 255) -> Dict[str, np.ndarray]:
    """group -> (seeds, num_classes) IoU array for one method."""
    labels = list_images(label_dir)
    if not labels:
        raise SystemExit(f'error: no label images in {label_dir}')
    out: Dict[str, List[np.ndarray]] = {g: [] for g in groups}
    for folder in seed_dirs:
        preds = list_images(folder)
        missing = sorted(set(labels) - set(preds))
        if missing:
            raise SystemExit(
                f'error: {folder}: no prediction for {len(missing)} '
                f'label(s), e.g. {osp.join(folder, missing[0] + ".png")}')
        for group, pattern in groups.items():
            stems = [s for s in sorted(labels) if re.search(pattern, s)]
            if not stems:
                raise SystemExit(f'error: group {group}={pattern!r} matches '
                                 f'no label in {label_dir}')
            out[group].append(
                group_ious(preds, labels, stems, num_classes, ignore_index))
    return {g: np.stack(v) for g, v in out.items()}


def miou(ious: np.ndarray) -> np.ndarray:
    """Per-seed mIoU over the classes present (rows = seeds)."""
    return np.nanmean(ious, axis=1)


def format_tables(results: Dict[str, Dict[str, np.ndarray]],
                  names: Sequence[str]) -> str:
    """Markdown: one table of mIoU per group, then per-class IoU (all)."""
    groups = list(next(iter(results.values())))
    lines = [
        '| method | seeds | ' + ' | '.join(f'mIoU {g}' for g in groups) + ' |',
        '|---|---:|' + '---:|' * len(groups)
    ]
    for method, per_group in results.items():
        cells = []
        for g in groups:
            values = 100 * miou(per_group[g])
            cell = f'{values.mean():.2f}'
            if len(values) > 1:
                cell += f' ± {values.std(ddof=1):.2f}'
            cells.append(cell)
        seeds = len(per_group[groups[0]])
        lines.append(f'| {method} | {seeds} | ' + ' | '.join(cells) + ' |')
    for g in groups:
        lines += [
            '', f'Per-class IoU ({g}, mean over seeds):', '',
            '| method | ' + ' | '.join(names) + ' |',
            '|---|' + '---:|' * len(names)
        ]
        for method, per_group in results.items():
            with warnings.catch_warnings():  # all-NaN column: absent class
                warnings.simplefilter('ignore', RuntimeWarning)
                mean = 100 * np.nanmean(per_group[g], axis=0)
            lines.append(f'| {method} | ' +
                         ' | '.join('–' if np.isnan(v) else f'{v:.1f}'
                                    for v in mean) + ' |')
    return '\n'.join(lines) + '\n'


def format_csv(results: Dict[str, Dict[str, np.ndarray]],
               names: Sequence[str]) -> str:
    """One row per method, group and seed: mIoU and per-class IoU (%)."""
    rows = [['method', 'group', 'seed', 'mIoU', *names]]
    for method, per_group in results.items():
        for group, ious in per_group.items():
            for seed, (row, m) in enumerate(zip(ious, miou(ious))):
                rows.append(
                    [method, group, seed, f'{100 * m:.4f}'] +
                    ['' if np.isnan(v) else f'{100 * v:.4f}' for v in row])
    from io import StringIO
    buffer = StringIO()
    csv.writer(buffer, lineterminator='\n').writerows(rows)
    return buffer.getvalue()


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        '--label', required=True, help='folder of ground-truth label maps')
    parser.add_argument(
        '--method',
        action='append',
        required=True,
        metavar='NAME=DIR[,DIR...]',
        help='predicted label maps, one folder per seed')
    names = parser.add_mutually_exclusive_group(required=True)
    names.add_argument(
        '--dataset',
        help='take class names from this '
        'registered dataset (e.g. MSRSDataset)')
    names.add_argument('--classes', nargs='+', help='class names')
    parser.add_argument(
        '--group',
        action='append',
        default=[],
        metavar='NAME=REGEX',
        help='images whose stem matches REGEX (repeat)')
    parser.add_argument('--ignore-index', type=int, default=255)
    parser.add_argument('--csv', help='write per-seed rows here')
    parser.add_argument('--md', help='write the Markdown tables here')
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    names = tuple(args.classes) if args.classes else class_names(args.dataset)
    groups = {'all': ''}
    for item in args.group:
        name, sep, pattern = item.partition('=')
        if not sep or not name or name in groups:
            raise SystemExit(f'error: --group needs a new NAME=REGEX, got '
                             f'{item!r}')
        groups[name] = pattern
    methods = {}
    for item in args.method:
        name, sep, folders = item.partition('=')
        if not sep or not name or not folders or name in methods:
            raise SystemExit(f'error: --method needs a new NAME=DIR[,DIR], '
                             f'got {item!r}')
        methods[name] = folders.split(',')
    for out in (args.csv, args.md):
        if out and osp.isdir(out):
            raise SystemExit(f'error: {out} is a folder, not a file')
    results = {
        name: evaluate(args.label, folders, groups, len(names),
                       args.ignore_index)
        for name, folders in methods.items()
    }
    table = format_tables(results, names)
    print(table, end='')
    for path, text in ((args.csv, format_csv(results,
                                             names)), (args.md, table)):
        if path:
            os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
            atomic_write_bytes(path, text.encode())


if __name__ == '__main__':
    main()
