#!/usr/bin/env python
"""Time the twelve fusion metrics on 640x480 triples and compare with a
straightforward NumPy/SciPy/scikit-learn implementation of the same
definitions (written here, as the baseline).

Example::

    python tools/analysis_tools/benchmark_metrics.py --runs 20 --threads 1 2
    python tools/analysis_tools/benchmark_metrics.py --threads 1 \
        --skip-numpy --metric-sets default all    # issue 21's budget

For each implementation the table gives the median over ``--runs`` timed
calls (after ``--warmup`` untimed ones) of the CPU time of the process
(``time.process_time``: all threads together, user + system) and of the
wall time, per (fused, IR, visible) triple. The torch rows state their
thread count; CUDA rows (if a GPU is present) synchronise before reading
the clock. The allocator setting (``GLIBC_TUNABLES``, ``LD_PRELOAD``) is
printed: it changes CPU timings and must stay fixed across compared runs.
The NumPy baseline also cross-checks the values (max relative difference).
"""
import argparse
import os
import platform
import statistics
import subprocess
import time

import numpy as np
import torch

NAMES = ('EN', 'SD', 'SF', 'AG', 'MI', 'SCD', 'VIF', 'Qabf', 'SSIM', 'CC',
         'PSNR', 'MSE')


# ----------------------------------------------------------------------------
# NumPy / SciPy / scikit-learn baseline (same definitions, plain code)
# ----------------------------------------------------------------------------
def np_entropy(f):
    hist = np.bincount(f.astype(np.int64).ravel(), minlength=256)
    p = hist[hist > 0] / f.size
    return float(-(p * np.log2(p)).sum())


def np_sf(f):
    rf2 = np.mean(np.diff(f, axis=1)**2)
    cf2 = np.mean(np.diff(f, axis=0)**2)
    return float(np.sqrt(rf2 + cf2))


def np_ag(f):
    gy, gx = np.gradient(f)
    return float(np.mean(np.sqrt((gx**2 + gy**2) / 2)))


def np_corr(x, y):
    return float(np.corrcoef(x.ravel(), y.ravel())[0, 1])


def np_mi(f, a, b):
    from sklearn.metrics import mutual_info_score
    fi = f.astype(np.int64).ravel()
    return float(
        mutual_info_score(fi,
                          a.astype(np.int64).ravel()) +
        mutual_info_score(fi,
                          b.astype(np.int64).ravel()))


def np_gaussian(n):
    sigma = n / 5.0
    k = np.arange(n) - (n - 1) / 2.0
    x, y = np.meshgrid(k, k)
    h = np.exp(-(x * x + y * y) / (2 * sigma * sigma))
    h[h < np.finfo(np.float64).eps * h.max()] = 0
    return h / h.sum()


def np_vifp(ref, dist):
    from scipy.signal import convolve2d
    ref = ref.astype(np.float64)
    dist = dist.astype(np.float64)
    num = den = 0.0
    for scale in range(1, 5):
        n = 2**(5 - scale) + 1
        win = np.rot90(np_gaussian(n), 2)  # correlation = conv with flip

        def filt(z):
            return convolve2d(z, win, mode='valid')

        if scale > 1:
            ref = filt(ref)[::2, ::2]
            dist = filt(dist)[::2, ::2]
        mu1, mu2 = filt(ref), filt(dist)
        s1 = filt(ref * ref) - mu1 * mu1
        s2 = filt(dist * dist) - mu2 * mu2
        s12 = filt(ref * dist) - mu1 * mu2
        s1[s1 < 0] = 0
        s2[s2 < 0] = 0
        g = s12 / (s1 + 1e-10)
        sv = s2 - g * s12
        m = s1 < 1e-10
        g[m] = 0
        sv[m] = s2[m]
        s1[m] = 0
        m = s2 < 1e-10
        g[m] = 0
        sv[m] = 0
        m = g < 0
        sv[m] = s2[m]
        g[m] = 0
        sv[sv <= 1e-10] = 1e-10
        num += np.sum(np.log10(1 + g * g * s1 / (sv + 2.0)))
        den += np.sum(np.log10(1 + s1 / 2.0))
    v = num / den
    return 1.0 if np.isnan(v) else float(v)


def np_qabf(f, a, b):
    from scipy.signal import convolve2d
    kx = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float64)
    ky = np.array([[1, 2, 1], [0, 0, 0], [-1, -2, -1]], dtype=np.float64)

    def sobel(x):
        sx = convolve2d(x, kx, mode='same')  # zero padding
        sy = convolve2d(x, ky, mode='same')
        g = np.sqrt(sx * sx + sy * sy)
        with np.errstate(divide='ignore', invalid='ignore'):
            alpha = np.where(sx == 0, np.pi / 2, np.arctan(sy / sx))
        return g, alpha

    g_f, a_f = sobel(f.astype(np.float64))
    num = den = 0.0
    for x in (a, b):
        g_x, a_x = sobel(x.astype(np.float64))
        with np.errstate(divide='ignore', invalid='ignore'):
            gr = np.where(g_x > g_f, g_f / g_x,
                          np.where(g_x < g_f, g_x / g_f, g_f))
        ar = 1 - np.abs(a_x - a_f) / (np.pi / 2)
        q = 0.9994 / (1 + np.exp(-15 * (gr - 0.5))) * \
            0.9879 / (1 + np.exp(-22 * (ar - 0.8)))
        num += np.sum(q * g_x)
        den += np.sum(g_x)
    return float(num / den)


def np_ssim(x, y, data_range=2.0):
    """scikit-image's structural_similarity on float32 (7x7 uniform)."""
    from scipy.ndimage import uniform_filter
    x = x.astype(np.float32)
    y = y.astype(np.float32)
    ux, uy = uniform_filter(x, 7), uniform_filter(y, 7)
    uxx, uyy = uniform_filter(x * x, 7), uniform_filter(y * y, 7)
    uxy = uniform_filter(x * y, 7)
    cov_norm = 49 / 48
    vx = cov_norm * (uxx - ux * ux)
    vy = cov_norm * (uyy - uy * uy)
    vxy = cov_norm * (uxy - ux * uy)
    c1, c2 = (0.01 * data_range)**2, (0.03 * data_range)**2
    s = ((2 * ux * uy + c1) * (2 * vxy + c2)) / \
        ((ux**2 + uy**2 + c1) * (vx + vy + c2))
    return float(s[3:-3, 3:-3].mean(dtype=np.float64))


def numpy_metrics(f, a, b):
    """All twelve metrics of uint8 grey images with NumPy/SciPy/sklearn."""
    f64, a64, b64 = (x.astype(np.float64) for x in (f, a, b))
    mse = (np.mean((a64 - f64)**2) + np.mean((b64 - f64)**2)) / 2
    return {
        'EN': np_entropy(f),
        'SD': float(f64.std()),
        'SF': np_sf(f64),
        'AG': np_ag(f64),
        'MI': np_mi(f, a, b),
        'SCD': np_corr(a64, f64 - b64) + np_corr(b64, f64 - a64),
        'VIF': np_vifp(a64, f64) + np_vifp(b64, f64),
        'Qabf': np_qabf(f64, a64, b64),
        'SSIM': np_ssim(f, a) + np_ssim(f, b),
        'CC': (np_corr(a64, f64) + np_corr(b64, f64)) / 2,
        'PSNR': float(10 * np.log10(f64.max()**2 / mse)),
        'MSE': float(mse),
    }


# ----------------------------------------------------------------------------
def synthetic_triple(h, w, seed=0):
    """Deterministic uint8 (fused, ir, vis) with edges, texture, flat and
    saturated regions."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    ir = 40 + 30 * np.sin(xx / 37.0) * np.cos(yy / 23.0)
    for _ in range(6):  # warm "targets"
        cy, cx = rng.uniform(0, h), rng.uniform(0, w)
        r = rng.uniform(15, 50)
        ir += 180 * np.exp(-((yy - cy)**2 + (xx - cx)**2) / (2 * r * r))
    ir += rng.normal(0, 3, (h, w))
    vis = 110 + 60 * ((xx // 40 + yy // 30) % 2) + 25 * np.sin(xx / 5.0)
    vis[:h // 4] = 250  # saturated sky
    vis += rng.normal(0, 6, (h, w))
    fused = 0.55 * ir + 0.45 * vis + rng.normal(0, 2, (h, w))
    clip = lambda z: np.clip(np.round(z), 0, 255).astype(np.uint8)  # noqa
    return clip(fused), clip(ir), clip(vis)


def load_triple(paths):
    """The three images as uint8 grey, read and converted as the metrics'
    CLI does (BT.601, :func:`~segfanet_mm.utils.colour.rgb_to_grey`)."""
    from segfanet_mm.datasets.transforms.image_io import load_visible
    from segfanet_mm.utils.colour import rgb_to_grey
    return tuple(
        rgb_to_grey(torch.from_numpy(load_visible(p)), channel_dim=-1)[
            ..., 0].numpy().astype(np.uint8) for p in paths)


def time_fn(fn, runs, warmup, sync=None):
    for _ in range(warmup):
        fn()
    if sync:
        sync()
    cpu, wall = [], []
    for _ in range(runs):
        c0, w0 = time.process_time(), time.perf_counter()
        fn()
        if sync:
            sync()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    time_fn.last_min_cpu = min(cpu)
    return statistics.median(cpu), statistics.median(wall)


def machine_info():
    lines = []
    try:
        out = subprocess.run(['lscpu'],
                             capture_output=True,
                             text=True,
                             timeout=10).stdout
        keep = ('Model name', 'CPU(s):', 'Thread(s) per core',
                'Core(s) per socket')
        lines += [
            ln.strip() for ln in out.splitlines()
            if ln.strip().startswith(keep)
        ]
    except (OSError, subprocess.SubprocessError):
        lines.append(f'processor: {platform.processor()}')
    lines.append(f'nproc: {os.cpu_count()}')
    try:
        lines.append('load average: %.2f %.2f %.2f' % os.getloadavg())
    except OSError:
        pass
    lines.append(f'python {platform.python_version()}, torch '
                 f'{torch.__version__}, numpy {np.__version__}')
    for var in ('GLIBC_TUNABLES', 'LD_PRELOAD', 'OMP_NUM_THREADS',
                'MKL_NUM_THREADS'):
        lines.append(f'{var}={os.environ.get(var, "(unset)")}')
    return lines


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--height', type=int, default=480)
    p.add_argument('--width', type=int, default=640)
    p.add_argument(
        '--images',
        nargs=3,
        metavar=('FUSED', 'IR', 'VIS'),
        help='time a real triple instead of the synthetic one')
    p.add_argument('--runs', type=int, default=20)
    p.add_argument('--warmup', type=int, default=3)
    p.add_argument('--numpy-runs', type=int, default=5)
    p.add_argument(
        '--threads',
        type=int,
        nargs='+',
        help='torch CPU thread counts, one row each (default: 1 '
        'and torch\'s default)')
    p.add_argument(
        '--per-metric',
        action='store_true',
        help='also time every metric on its own')
    p.add_argument(
        '--metrics',
        nargs='+',
        metavar='NAME',
        help="metrics per call: names or 'all' (default: the "
        'twelve of the NumPy reference)')
    p.add_argument(
        '--metric-sets',
        nargs='+',
        metavar='SET',
        help="time several calls, one table row each: 'default' "
        "(the twelve), 'all', or comma-separated names (the "
        'first set is the one --per-metric and the NumPy '
        'comparison use)')
    p.add_argument('--skip-numpy', action='store_true')
    p.add_argument('--no-cuda', action='store_true')
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    from segfanet_mm.evaluation.functional import compute_fusion_metrics
    from segfanet_mm.evaluation.functional.fusion_metrics import \
        resolve_metric_names
    if args.metric_sets:
        sets = [
            list(
                resolve_metric_names(None if s == 'default' else s.split(',')))
            for s in args.metric_sets
        ]
    else:
        sets = [list(resolve_metric_names(args.metrics))]
    names = sets[0]

    if args.images:
        f8, a8, b8 = load_triple(args.images)
        what = 'triple ' + ' '.join(args.images)
    else:
        f8, a8, b8 = synthetic_triple(args.height, args.width)
        what = f'synthetic {args.width}x{args.height} triple'
    h, w = f8.shape
    default_threads = torch.get_num_threads()
    threads = args.threads or sorted({1, default_threads})
    ft, at, bt = (torch.from_numpy(x)[None, None] for x in (f8, a8, b8))

    print('# Fusion metric benchmark\n')
    print(f'Input: {what} ({w}x{h}); '
          f"{' / '.join(str(len(n)) for n in sets)} metrics per call; "
          f'median of {args.runs} runs after {args.warmup} warm-up runs '
          f'(NumPy: {args.numpy_runs} runs).\n')
    print('```')
    print('\n'.join(machine_info()))
    print('```\n')

    rows = []
    ref_vals = None
    np_cpu = None
    if not args.skip_numpy:
        ref_vals = numpy_metrics(f8, a8, b8)
        np_cpu, np_wall = time_fn(lambda: numpy_metrics(f8, a8, b8),
                                  args.numpy_runs, 1)
        rows.append(('NumPy/SciPy/sklearn reference', 'cpu', '-', np_cpu,
                     np_wall, time_fn.last_min_cpu))

    torch_vals = None
    for t in threads:
        torch.set_num_threads(t)  # once per row: switching per call is slow
        for metric_set in sets:
            vals = compute_fusion_metrics(ft, at, bt, metrics=metric_set)
            torch_vals = torch_vals or vals
            cpu, wall = time_fn(
                lambda: compute_fusion_metrics(ft, at, bt, metrics=metric_set),
                args.runs, args.warmup)
            label = 'segfanet_mm (PyTorch)' if len(sets) == 1 else \
                f'segfanet_mm (PyTorch), {len(metric_set)} metrics'
            rows.append(
                (label, 'cpu', str(t), cpu, wall, time_fn.last_min_cpu))
    torch.set_num_threads(default_threads)

    if torch.cuda.is_available() and not args.no_cuda:
        dev = torch.device('cuda')
        fc, ac, bc = (x.to(dev) for x in (ft, at, bt))
        cpu, wall = time_fn(
            lambda: compute_fusion_metrics(fc, ac, bc, metrics=names),
            args.runs, args.warmup, torch.cuda.synchronize)
        rows.append((f'segfanet_mm (PyTorch), {torch.cuda.get_device_name()}',
                     'cuda', '-', cpu, wall, time_fn.last_min_cpu))

    print('| implementation | device | torch threads | CPU time / triple, '
          'median (ms) | CPU time, best run (ms) | wall time / triple, '
          'median (ms) | CPU-time speed-up vs NumPy (medians) |')
    print('|---|---|---|---|---|---|---|')
    for name, dev, t, cpu, wall, best in rows:
        ratio = f'{np_cpu / cpu:.1f}x' if np_cpu else '-'
        print(f'| {name} | {dev} | {t} | {cpu * 1e3:.1f} | {best * 1e3:.1f} '
              f'| {wall * 1e3:.1f} | {ratio} |')

    if args.per_metric:
        print('\nPer metric, each computed on its own (CPU time, ms; torch '
              f'threads = {threads[0]}). PyTorch shares work between metrics: '
              'EN, SD, MI, SCD, CC, PSNR and MSE each pay for the joint '
              'histograms that all of them together use once.\n')
        torch.set_num_threads(threads[0])
        print('| metric | PyTorch | NumPy reference |')
        print('|---|---|---|')
        f64, a64, b64 = (x.astype(np.float64) for x in (f8, a8, b8))

        def np_mse():
            return (np.mean((a64 - f64)**2) + np.mean((b64 - f64)**2)) / 2

        np_fns = {
            'EN': lambda: np_entropy(f8),
            'SD': lambda: f8.astype(np.float64).std(),
            'SF': lambda: np_sf(f8.astype(np.float64)),
            'AG': lambda: np_ag(f8.astype(np.float64)),
            'MI': lambda: np_mi(f8, a8, b8),
            'SCD': lambda: np_corr(a64, f64 - b64) + np_corr(b64, f64 - a64),
            'VIF': lambda: np_vifp(a8, f8) + np_vifp(b8, f8),
            'Qabf': lambda: np_qabf(f8, a8, b8),
            'SSIM': lambda: np_ssim(f8, a8) + np_ssim(f8, b8),
            'CC': lambda: (np_corr(a64, f64) + np_corr(b64, f64)) / 2,
            'PSNR': lambda: 10 * np.log10(f64.max()**2 / np_mse()),
            'MSE': np_mse,
        }
        for m in max(sets, key=len):
            cpu, _ = time_fn(
                lambda: compute_fusion_metrics(ft, at, bt, metrics=[m]),
                args.runs, args.warmup)
            npc = '-'
            if not args.skip_numpy and m in np_fns:
                npc = f'{time_fn(np_fns[m], args.numpy_runs, 1)[0] * 1e3:.1f}'
            print(f'| {m} | {cpu * 1e3:.1f} | {npc} |')
        torch.set_num_threads(default_threads)

    if ref_vals is not None and torch_vals is not None and \
            set(NAMES) & set(torch_vals):
        rel = {
            k:
            abs(float(torch_vals[k][0]) - ref_vals[k]) /
            max(abs(ref_vals[k]), 1e-12)
            for k in NAMES if k in torch_vals
        }
        worst = max(rel, key=rel.get)
        print(f'\nAgreement with the NumPy reference: max relative '
              f'difference {rel[worst]:.2e} ({worst}); per metric: ' +
              ', '.join(f'{k} {v:.1e}' for k, v in rel.items()))


if __name__ == '__main__':
    main()
