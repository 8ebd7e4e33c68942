"""Markdown table of mean fusion metrics per method, from the per-image
CSVs of ``eval_fusion.py --csv``, with wins against baseline methods.

    python tools/analysis_tools/results_table.py \\
        --method mean=results/mean.csv --method max=results/max.csv \\
        --method SegFANet-S=results/segfanet_s.csv --baselines mean max

``--method NAME=A.csv,B.csv,...`` gives one CSV per seed: the table shows
the mean over seeds of the per-seed means and, below it, each metric's
sample standard deviation over seeds; wins are counted on the mean.
Every metric listed (default: the nine of docs/results.md) is higher-is-
better. For each non-baseline method and each baseline the script counts
the metrics on which the method's mean is strictly higher. All CSVs must
cover the same images (a mismatch is an error naming the files).
"""
import argparse
import csv
import statistics
import sys
from typing import Dict, List

DEFAULT_METRICS = ('EN', 'SD', 'SF', 'AG', 'MI', 'SCD', 'VIF', 'Qabf', 'SSIM')


def read_means(path: str, metrics) -> Dict[str, float]:
    """Per-metric means of one CSV, and its image names (key ``_images``)."""
    with open(path, newline='') as fh:
        rows = list(csv.DictReader(fh))
    if not rows:
        raise SystemExit(f'error: {path} has no rows')
    missing = [m for m in metrics if m not in rows[0]]
    if missing:
        raise SystemExit(f'error: {path} lacks column(s) {missing}')
    means = {m: sum(float(r[m]) for r in rows) / len(rows) for m in metrics}
    means['_images'] = tuple(sorted(r['img_name'] for r in rows))
    return means


def read_seeds(paths: List[str], metrics) -> Dict[str, object]:
    """Means over seeds (one CSV each) and, under ``_std``, the sample
    standard deviations of the per-seed means (empty for one seed)."""
    runs = [read_means(p, metrics) for p in paths]
    for path, run in zip(paths[1:], runs[1:]):
        if run['_images'] != runs[0]['_images']:
            raise SystemExit(f'error: {path} and {paths[0]} cover '
                             'different images')
    means = {m: statistics.fmean(r[m] for r in runs) for m in metrics}
    means['_images'] = runs[0]['_images']
    means['_std'] = {
        m: statistics.stdev(r[m] for r in runs)
        for m in metrics
    } if len(runs) > 1 else {}
    return means


def wins(method: Dict[str, float], baseline: Dict[str, float],
         metrics) -> List[str]:
    """Metrics where ``method``'s mean is strictly above ``baseline``'s."""
    return [m for m in metrics if method[m] > baseline[m]]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        '--method',
        action='append',
        required=True,
        metavar='NAME=CSV[,CSV...]')
    parser.add_argument('--metrics', nargs='+', default=DEFAULT_METRICS)
    parser.add_argument(
        '--baselines',
        nargs='*',
        default=[],
        help='method names to count wins against')
    args = parser.parse_args(argv)
    table, paths = {}, {}
    for item in args.method:
        name, sep, path = item.partition('=')
        if not sep or not name:
            raise SystemExit(f'error: --method needs NAME=CSV, got {item!r}')
        table[name] = read_seeds(path.split(','), args.metrics)
        paths[name] = path.split(',')[0]
    first = next(iter(table))
    for name, means in table.items():
        if means['_images'] != table[first]['_images']:
            raise SystemExit(f'error: {paths[name]} and {paths[first]} '
                             'cover different images')
    unknown = [b for b in args.baselines if b not in table]
    if unknown:
        raise SystemExit(f'error: unknown baseline(s) {unknown}')
    best = {m: max(t[m] for t in table.values()) for m in args.metrics}
    print('| method | ' + ' | '.join(args.metrics) + ' |')
    print('|---|' + '---:|' * len(args.metrics))
    for name, means in table.items():
        cells = [
            f'**{means[m]:.4g}**' if means[m] == best[m] else f'{means[m]:.4g}'
            for m in args.metrics
        ]
        print(f'| {name} | ' + ' | '.join(cells) + ' |')
        if means['_std']:
            print('| ± std over seeds | ' +
                  ' | '.join(f'{means["_std"][m]:.2g}'
                             for m in args.metrics) + ' |')
    print(f'\nMeans over {len(table[first]["_images"])} images; bold: best '
          'per metric (all higher-is-better).')
    for name, means in table.items():
        if name in args.baselines:
            continue
        for base in args.baselines:
            won = wins(means, table[base], args.metrics)
            lost = [m for m in args.metrics if m not in won]
            print(f'- {name} vs {base}: higher on {len(won)}/'
                  f'{len(args.metrics)} ({", ".join(won) or "none"})' +
                  (f'; not on {", ".join(lost)}' if lost else ''))


if __name__ == '__main__':
    sys.exit(main())
