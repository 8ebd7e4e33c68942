"""Fuse infrared/visible pairs with a trained model (or a classical rule).

    python tools/fuse.py CONFIG CHECKPOINT --ir PATH --vis PATH --out DIR
        [--device cpu|cuda] [--seg] [--tile 1024] [--ir-range LOW HIGH]
        [--overwrite]
    python tools/fuse.py --rule mean|max --ir PATH --vis PATH --out DIR

PATH is one image or a folder (pairs matched by file stem; files without a
partner are listed and skipped). Writes ``DIR/fused/<stem>.png`` (fused
luminance), ``DIR/fused_rgb/<stem>.png`` (fused colour) and, with ``--seg``,
``DIR/seg/<stem>.png`` (class indices) and ``DIR/seg_overlay/<stem>.png``.
Images are read by the project's one image reader (policy table in
``docs/reliability.md``); ``--ir-range`` maps infrared values LOW..HIGH to
0..255 for every frame instead of stretching each one, so the frames of a
sequence stay comparable.
Images of any size work; those larger than ``--tile`` on a side are fused in
overlapping tiles so memory stays bounded. Inputs are never overwritten.
``--rule`` replaces the model by the pixel-wise mean or maximum of IR and the
visible luminance (colour reattached the same way): the classical baselines.

Outputs are written atomically and the settings that made them are kept in
``DIR/fuse_settings.json``: a rerun into the same ``DIR`` skips pairs whose
outputs are complete (so a killed run resumes), refuses a ``DIR`` that holds
results of other settings, and ``--overwrite`` redoes every pair.
Bad arguments end with a one-line ``error:`` message and exit status 1.
"""
import argparse
import glob
import hashlib
import json
import os
import os.path as osp
import pickle
import sys
import tempfile
import warnings
import zipfile
from typing import Dict, List, NoReturn, Optional, Set, Tuple

import numpy as np
import torch
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                           TimeRemainingColumn)

import segfanet_mm  # noqa: F401  (patches mmseg before it is used)
from segfanet_mm.apis import (fuse_pair, fuse_pair_classical,
                              init_fusion_model, load_config,
                              resolve_config_path)
from segfanet_mm.datasets import DatasetLayoutError
from segfanet_mm.datasets.ivf_dataset import list_images
from segfanet_mm.datasets.transforms.image_io import (ImageReadError,
                                                      NonFinitePixelWarning,
                                                      check_ir_range,
                                                      image_stem)
from segfanet_mm.models.classical_fusion import RULES
from segfanet_mm.utils import (OutputOverlapError, atomic_imwrite,
                               atomic_write_bytes, check_output_file,
                               check_output_folder, resolved)
from segfanet_mm.visualization import colorize

#: Smallest ``--tile``: below it sliding-window inference runs thousands of
#: windows per image (``--tile 8`` ran for minutes) for no gain.
MIN_TILE = 128
SETTINGS_FILE = 'fuse_settings.json'


def fail(message: str) -> NoReturn:
    """End with a one-line error and exit status 1 (no traceback)."""
    raise SystemExit(f'error: {message}')


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
        help='fuse images larger than this in overlapping tiles (0: never; '
        f'otherwise at least {MIN_TILE})')
    parser.add_argument(
        '--ir-range',
        nargs=2,
        type=float,
        metavar=('LOW', 'HIGH'),
        help='map infrared values LOW..HIGH to 0..255 for every image (one '
        'range for a whole sequence); default: 8-bit as stored, deeper data '
        'stretched per image between its 0.5th and 99.5th percentiles')
    parser.add_argument(
        '--overwrite',
        action='store_true',
        help='redo pairs whose outputs exist (default: skip them, so a '
        'killed run resumes)')
    args = parser.parse_args()
    given = [x for x in (args.config, args.checkpoint) if x is not None]
    if len(given) != (0 if args.rule else 2):
        parser.error('give CONFIG and CHECKPOINT, or --rule (not both)')
    return args


def check_arguments(args: argparse.Namespace) -> None:
    """Refuse, before any work, arguments that cannot give a good run."""
    if args.tile != 0 and args.tile < MIN_TILE:
        fail(f'--tile {args.tile}: use 0 (never tile) or at least '
             f'{MIN_TILE} pixels')
    try:
        args.ir_range = check_ir_range(args.ir_range)
    except ValueError as err:
        fail(f'--ir-range: {err}')
    for path in (args.ir, args.vis):
        if not osp.exists(path):
            fail(f'{path} does not exist')
    if osp.realpath(args.ir) == osp.realpath(args.vis):
        kind = 'folder' if osp.isdir(args.ir) else 'file'
        fail(f'--ir and --vis are the same {kind} ({args.ir}); give the '
             'infrared and the visible images separately')
    if osp.exists(args.out) and not osp.isdir(args.out):
        fail(f'--out {args.out} is a file, not a folder')
    check_device(args.device)
    if not args.rule:
        # an old name of a renamed config reads its new file from here on
        args.config = resolve_config_path(args.config)
        if not osp.isfile(args.config):
            fail(f'config {args.config} does not exist')
        check_checkpoint_file(args.checkpoint)


def check_device(device: str) -> None:
    """Exit unless ``device`` names a device this machine has."""
    try:
        dev = torch.device(device)
    except RuntimeError:
        fail(f'--device {device!r} is not a device; use cpu, cuda or cuda:N')
    if dev.type != 'cuda':
        return
    if not torch.cuda.is_available():
        fail(f'--device {device}: CUDA is not available on this machine '
             '(no GPU, or torch built without CUDA); use --device cpu')
    if dev.index is not None and dev.index >= torch.cuda.device_count():
        fail(f'--device {device}: this machine has '
             f'{torch.cuda.device_count()} CUDA device(s)')


def check_checkpoint_file(path: str) -> None:
    """Exit on a missing, empty or truncated checkpoint file (URLs are left
    to the loader)."""
    if '://' in path:
        return
    if not osp.isfile(path):
        fail(f'checkpoint {path} does not exist')
    size = osp.getsize(path)
    if size == 0:
        fail(f'checkpoint {path} is empty (0 bytes); an interrupted download '
             'or copy? fetch it again')
    with open(path, 'rb') as fh:
        legacy = fh.read(2) == b'\x80\x02'  # torch's pre-1.6 pickle format
    if not (legacy or zipfile.is_zipfile(path)):
        fail(f'checkpoint {path} is truncated or not a PyTorch checkpoint '
             f'({size} bytes, no zip directory); fetch it again')


def match_pairs(ir: str,
                vis: str) -> Tuple[List[Tuple[str, str, str]], List[str]]:
    """(stem, ir_path, vis_path) triples and messages for unmatched files."""
    if osp.isfile(ir) and osp.isfile(vis):
        return [(image_stem(vis), ir, vis)], []
    if not (osp.isdir(ir) and osp.isdir(vis)):
        fail('--ir and --vis must both be files or both be folders')
    try:
        irs: Dict[str, str] = list_images(ir)
        viss: Dict[str, str] = list_images(vis)
    except DatasetLayoutError as err:  # e.g. a.png and a.jpg in one folder
        fail(str(err))
    pairs = [(s, irs[s], viss[s]) for s in sorted(set(irs) & set(viss))]
    unmatched = [
        f'{p}: no visible partner in {vis}' for s, p in sorted(irs.items())
        if s not in viss
    ]
    unmatched += [
        f'{p}: no infrared partner in {ir}' for s, p in sorted(viss.items())
        if s not in irs
    ]
    return pairs, unmatched


def prepare_output(out: str) -> None:
    """Create ``out`` and prove it writable, or exit naming the problem."""
    try:
        os.makedirs(out, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix='.fuse-write-test.', dir=out)
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        fail(f'cannot write to --out {out}: {err.strerror or err}; choose a '
             'writable folder')


def file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, 'rb') as fh:
        for block in iter(lambda: fh.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


def run_settings(args: argparse.Namespace) -> dict:
    """Everything that decides the output pixels (device aside), recorded
    so that a rerun never mixes results of other settings."""
    if args.rule:
        method = dict(rule=args.rule)
    else:
        method = dict(
            config_sha256=file_sha256(args.config),
            checkpoint_sha256=file_sha256(args.checkpoint)
            if osp.isfile(args.checkpoint) else args.checkpoint)
    return dict(
        method,
        tile=args.tile,
        ir_range=list(args.ir_range) if args.ir_range else None)


def output_paths(out: str, stem: str, fields: List[str]) -> List[str]:
    return [osp.join(out, field, stem + '.png') for field in fields]


def is_complete(paths: List[str], inputs: Tuple[str, str]) -> bool:
    """All outputs exist (atomic writes: existing = complete) and are newer
    than both inputs (an input replaced since is fused again)."""
    newest_input = max(osp.getmtime(p) for p in inputs)
    return all(
        osp.isfile(p) and osp.getmtime(p) >= newest_input for p in paths)


def plan_resume(args: argparse.Namespace, pairs, fields: List[str],
                settings: dict) -> Set[str]:
    """Stems to skip (outputs complete, same settings); exits when ``out``
    holds outputs of other or unknown settings and ``--overwrite`` is not
    given."""
    record = osp.join(args.out, SETTINGS_FILE)
    previous: Optional[dict] = None
    if osp.isfile(record):
        try:
            with open(record) as fh:
                previous = json.load(fh)
        except (OSError, ValueError):
            previous = {}
    existing = [
        stem for stem, _, _ in pairs if any(
            osp.exists(p) for p in output_paths(args.out, stem, fields))
    ]
    if not args.overwrite:
        if previous is not None and previous != settings:
            changed = sorted(
                k for k in set(previous) | set(settings)
                if previous.get(k) != settings.get(k))
            fail(f'{args.out} holds results of other settings (changed: '
                 f'{", ".join(changed)}); pass --overwrite to redo them or '
                 'choose another --out')
        if previous is None and existing:
            fail(f'{args.out} already holds outputs for {len(existing)} of '
                 f'these pairs (e.g. {existing[0]}) but no record of the '
                 'settings that made them; pass --overwrite to redo them or '
                 'choose another --out')
    if args.overwrite:
        return set()
    return {
        stem
        for stem, ir, vis in pairs
        if is_complete(output_paths(args.out, stem, fields), (ir, vis))
    }


def overlay(rgb: np.ndarray, seg: np.ndarray, palette) -> np.ndarray:
    """Blend class colours (background left clear) over an RGB image."""
    colours = colorize(seg, palette)
    mask = (seg > 0)[..., None]
    return np.where(mask, (0.5 * rgb + 0.5 * colours).astype(np.uint8), rgb)


def load_model(args: argparse.Namespace):
    """The model, or a one-line error naming the config or checkpoint."""
    try:
        config = load_config(args.config)
    except Exception as err:  # syntax errors, missing _base_ files, ...
        fail(f'cannot read config {args.config}: {err}')
    try:
        return init_fusion_model(config, args.checkpoint, args.device)
    except (EOFError, pickle.UnpicklingError) as err:
        fail(f'checkpoint {args.checkpoint} is truncated or corrupt ('
             f'{str(err) or type(err).__name__}); fetch it again')
    except Exception as err:  # a mismatch (the loader names the tensors)
        fail(f'cannot load checkpoint {args.checkpoint}: '
             f'{str(err) or type(err).__name__}')


default_show_warning = warnings.showwarning


def show_warning(message, category, filename, lineno, file=None, line=None):
    """Image-reading warnings as one line (they name the file)."""
    if issubclass(category, NonFinitePixelWarning):
        print(f'warning: {message}', file=sys.stderr)
    else:
        default_show_warning(message, category, filename, lineno, file, line)


def write_outputs(outputs: Dict[str, np.ndarray], out: str, stem: str,
                  inputs: Set[str]) -> None:
    for field, image in outputs.items():
        path = osp.join(out, field, stem + '.png')
        try:
            check_output_file(path, inputs)
        except OutputOverlapError as err:
            fail(str(err))
        try:
            os.makedirs(osp.dirname(path), exist_ok=True)
            for stale in glob.glob(
                    osp.join(  # left by a killed run
                        osp.dirname(path), f'.{glob.escape(stem)}.png.*.tmp')):
                os.unlink(stale)
            atomic_imwrite(path, np.ascontiguousarray(image))
        except OSError as err:  # disk full, folder made read-only, ...
            fail(f'cannot write {path}: {err.strerror or err}')


def main() -> None:
    args = parse_args()
    warnings.showwarning = show_warning
    check_arguments(args)
    pairs, unmatched = match_pairs(args.ir, args.vis)
    for message in unmatched:
        print(f'skipped (unmatched): {message}', file=sys.stderr)
    if not pairs:
        fail('no infrared/visible pairs to fuse')
    sources = [p for _, ir, vis in pairs for p in (ir, vis)]
    try:
        check_output_folder(args.out,
                            [p for p in (args.ir, args.vis) if osp.isdir(p)])
    except OutputOverlapError as err:
        fail(str(err))
    prepare_output(args.out)
    inputs = resolved(sources)
    fields = ['fused', 'fused_rgb']
    if args.seg and not args.rule:
        fields += ['seg', 'seg_overlay']
    settings = run_settings(args)
    done = plan_resume(args, pairs, fields, settings)
    todo = [pair for pair in pairs if pair[0] not in done]
    if done:
        print(f'skipped {len(done)} pair(s) already fused in {args.out} with '
              'the same settings (--overwrite redoes them)')
    if args.rule:

        def fuse(ir, vis):
            return fuse_pair_classical(ir, vis, args.rule, args.ir_range)

        palette = None
    elif todo:
        model = load_model(args)
        palette = (getattr(model, 'dataset_meta', None)
                   or {}).get('palette') or [[0, 0, 0], [255, 64, 0]]

        def fuse(ir, vis):
            return fuse_pair(
                model, ir, vis, tile=args.tile or None, ir_range=args.ir_range)

    if todo:  # the model loaded: record what makes the outputs
        atomic_write_bytes(
            osp.join(args.out, SETTINGS_FILE),
            json.dumps(settings, indent=2).encode())
    failures = []
    columns = (TextColumn('fusing'), BarColumn(), MofNCompleteColumn(),
               TextColumn('{task.fields[rate]:.2f} pairs/s'),
               TimeRemainingColumn())
    with Progress(*columns, disable=not todo) as progress:
        task = progress.add_task('fuse', total=len(todo), rate=0.0)
        for stem, ir, vis in todo:
            try:
                result = fuse(ir, vis)
            except ImageReadError as err:
                failures.append(str(err))
                progress.advance(task)
                continue
            outputs = {
                'fused': result.fused,
                'fused_rgb': result.fused_rgb[..., ::-1]
            }
            if args.seg and result.seg is not None:
                outputs['seg'] = result.seg
                outputs['seg_overlay'] = overlay(result.fused_rgb, result.seg,
                                                 palette)[..., ::-1]
            write_outputs(outputs, args.out, stem, inputs)
            progress.advance(task)
            elapsed = progress.tasks[0].elapsed or 1e-9
            progress.update(task, rate=progress.tasks[0].completed / elapsed)
    print(f'fused {len(todo) - len(failures)} pair(s) into '
          f'{osp.abspath(args.out)}')
    for message in failures:
        print(f'failed: {message}', file=sys.stderr)
    if failures:
        sys.exit(1)


if __name__ == '__main__':
    main()
