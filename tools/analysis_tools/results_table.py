"""Markdown table of mean fusion metrics per method, from the per-image
CSVs of ``eval_fusion.py --csv``, with wins against baseline methods.

    python tools/analysis_tools/results_table.py \\
        --method mean=results/mean.csv --method max=results/max.csv \\
        --method SegFANet-S=results/segfanet_s.csv --baselines mean max

Every metric listed (default: the nine of docs/results.md) is higher-is-
better. For each non-baseline method and each baseline the script counts
the metrics on which the method's mean is strictly higher. All CSVs must
cover the same images (a mismatch is an error naming the files).
"""
import argparse
import csv
import sys
from typing import Dict, List

DEFAULT_METRICS = ('EN', 'SD', 'SF', 'AG', 'MI', 'SCD', 'VIF', 'Qabf',
                   'SSIM')


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


def wins(method: Dict[str, float], baseline: Dict[str, float],
         metrics) -> List[str]:
    """Metrics where ``method``'s mean is strictly above ``baseline``'s."""
    return [m for m in metrics if method[m] > baseline[m]]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--method', action='append', required=True,
                        metavar='NAME=CSV')
    parser.add_argument('--metrics', nargs='+', default=DEFAULT_METRICS)
    parser.add_argument('--baselines', nargs='*', default=[],
                        help='method names to count wins against')
    args = parser.parse_args(argv)
    table, paths = {}, {}
    for item in args.method:
        name, sep, path = item.partition('=')
        if not sep or not name:
            raise SystemExit(f'error: --method needs NAME=CSV, got {item!r}')
        table[name], paths[name] = read_means(path, args.metrics), path
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
        cells = [f'**{means[m]:.4g}**' if means[m] == best[m] else
                 f'{means[m]:.4g}' for m in args.metrics]
        print(f'| {name} | ' + ' | '.join(cells) + ' |')
    print(f'\nMeans over {len(table[first]["_images"])} images; bold: best '
          'per metric (all higher-is-better).')
    for name, means in table.items():
        if name in args.baselines:
            continue
        for base in args.baselines:
            won = wins(means, table[base], args.metrics)
            lost = [m for m in args.metrics if m not in won]
            print(f'- {name} vs {base}: higher on {len(won)}/'
                  f'{len(args.metrics)} ({", ".join(won) or "none"})'
                  + (f'; not on {", ".join(lost)}' if lost else ''))


if __name__ == '__main__':
    sys.exit(main())
