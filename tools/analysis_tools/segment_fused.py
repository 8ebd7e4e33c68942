"""Does fusion help a downstream segmenter? Train one fixed segmenter on each
fusion method's images and compare mIoU (per class, day/night, over seeds).

    D=../shared/data/msrs_seg
    python tools/analysis_tools/segment_fused.py \\
        --train-ir $D/train/ir --train-vis $D/train/vis \\
        --train-label $D/train/label --val-ir $D/val/ir \\
        --val-vis $D/val/vis --val-label $D/val/label \\
        --method visible=source:vis --method infrared=source:ir \\
        --method mean=rule:mean --method max=rule:max \\
        --method SegFANet-S=model:CONFIG:CHECKPOINT \\
        --method MyFusion=FUSED_TRAIN_DIR,FUSED_VAL_DIR \\
        --seeds 0 1 2 --work-dir work_dirs/segment_fused [--jobs 2] \\
        [--config SEGMENTER_CONFIG] [--cfg-options key=value ...]

Methods (``--method NAME=SPEC``, repeat; NAME is a folder name):

* ``TRAIN_DIR,VAL_DIR``: folders of fused images named by label stem;
* ``source:vis`` / ``source:ir``: the raw visible / infrared images;
* ``rule:mean`` / ``rule:max``: ``tools/fuse.py --rule`` (classical rules);
* ``model:CONFIG:CHECKPOINT``: ``tools/fuse.py CONFIG CHECKPOINT``.

Every input is checked before anything runs: each labelled stem needs an
image in every folder a method reads (the error names the missing file) of
its label's size. Then, per method and seed, ``tools/train.py`` trains the
segmenter config (default: mmseg's BiSeNetV2,
``configs/segmenters/bisenetv2_fcn_1xb8-800i_msrs-fused-192x192.py``) with
``--cfg-options`` pointing its data at the method's images and
``randomness.seed``, then ``tools/test.py --out`` writes its class maps of
the val split. ``tools/analysis_tools/eval_segmentation.py`` turns them into
one table: ``WORK/table.md`` and ``WORK/table.csv``.

Layout: ``WORK/<method>/fused/{train,val}/`` (rule/model methods),
``WORK/<method>/<seed>/{train,test}/`` (mmengine work dirs),
``WORK/<method>/<seed>/pred/seg/<stem>.png``, logs beside them
(``train.log``, ``test.log``, ``fuse_<split>.log``). A finished run leaves
``WORK/<method>/<seed>/done.json`` (written last, atomically;
``trained.json`` marks a finished training): a rerun skips finished runs,
tests again a run that was trained, resumes killed training from its last
checkpoint (``tools/train.py --resume``), and redoes a run whose settings
(config, options, inputs) changed. A failed method does not stop the
others: failures are listed with their logs at the end, the table holds the
runs that finished, and the exit status is non-zero. ``--jobs N`` runs N
fusions/trainings at a time (each with ``OMP_NUM_THREADS`` = cores / N unless
set).
"""
import argparse
import hashlib
import json
import os
import os.path as osp
import re
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, List, Optional, Sequence, Tuple

from segfanet_mm.apis import resolve_config_path
from segfanet_mm.datasets.ivf_dataset import list_images
from segfanet_mm.utils import atomic_write_bytes

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

DEFAULT_CONFIG = osp.join(REPO_ROOT, 'configs', 'segmenters',
                          'bisenetv2_fcn_1xb8-800i_msrs-fused-192x192.py')
DEFAULT_GROUPS = ('day=D$', 'night=N$')
SPLITS = ('train', 'val')
NAME_RE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9._+-]*$')
# characters DictAction would read as list/tuple syntax in a path
UNSAFE_IN_OPTION = set(',[]()"\'')
_print_lock = threading.Lock()


def log(message: str) -> None:
    """Print one line (whole, also from worker threads)."""
    with _print_lock:
        print(message, flush=True)


class Method:
    """One fusion method: where its train/val images come from."""

    def __init__(self, name: str, spec: str):
        self.name = name
        self.spec = spec
        self.kind, self.rule, self.config, self.checkpoint = '', '', '', ''
        self.folders: Dict[str, str] = {}  # split -> given image folder
        if spec.startswith('source:'):
            self.kind, self.rule = 'source', spec[len('source:'):]
            if self.rule not in ('vis', 'ir'):
                raise SystemExit(f'error: --method {name}: source:vis or '
                                 f'source:ir, got {spec!r}')
        elif spec.startswith('rule:'):
            self.kind, self.rule = 'rule', spec[len('rule:'):]
            if self.rule not in ('mean', 'max'):
                raise SystemExit(f'error: --method {name}: rule:mean or '
                                 f'rule:max, got {spec!r}')
        elif spec.startswith('model:'):
            self.kind = 'model'
            config, sep, checkpoint = spec[len('model:'):].partition(':')
            if not sep or not config or not checkpoint:
                raise SystemExit(f'error: --method {name}: '
                                 f'model:CONFIG:CHECKPOINT, got {spec!r}')
            self.config = osp.abspath(resolve_config_path(config))
            self.checkpoint = osp.abspath(checkpoint)
        else:
            folders = spec.split(',')
            if len(folders) != 2 or not all(folders):
                raise SystemExit(
                    f'error: --method {name}: TRAIN_DIR,VAL_DIR, source:vis|'
                    f'ir, rule:mean|max or model:CONFIG:CHECKPOINT, got '
                    f'{spec!r}')
            self.kind = 'folder'
            self.folders = dict(zip(SPLITS, map(osp.abspath, folders)))

    @property
    def fuses(self) -> bool:
        """Whether the images are made here with tools/fuse.py."""
        return self.kind in ('rule', 'model')


def parse_methods(items: Sequence[str]) -> Dict[str, Method]:
    """``NAME=SPEC`` strings -> methods, names checked to be folder names."""
    methods: Dict[str, Method] = {}
    for item in items:
        name, sep, spec = item.partition('=')
        if not sep or not spec:
            raise SystemExit(f'error: --method needs NAME=SPEC, got {item!r}')
        if not NAME_RE.match(name) or name in ('table.md', 'table.csv'):
            raise SystemExit(
                f'error: method name {name!r} is not a safe folder name '
                '(letters, digits, ".", "_", "+", "-"; not starting with '
                'a symbol)')
        if name.lower() in (m.lower() for m in methods):
            raise SystemExit(f'error: method name {name!r} given twice')
        methods[name] = Method(name, spec)
    return methods


def parse_groups(items: Optional[Sequence[str]], no_groups: bool) -> List[str]:
    """The ``NAME=REGEX`` groups handed to eval_segmentation.py."""
    if no_groups:
        return []
    groups = list(items) if items else list(DEFAULT_GROUPS)
    for item in groups:
        name, sep, pattern = item.partition('=')
        if not sep or not name:
            raise SystemExit(f'error: --group needs NAME=REGEX, got {item!r}')
        try:
            re.compile(pattern)
        except re.error as err:
            raise SystemExit(f'error: --group {item!r}: {err}')
    return groups


def scan(folder: str, what: str) -> Dict[str, str]:
    """Stem -> path of the images in ``folder``, exiting on a bad folder."""
    if not osp.isdir(folder):
        raise SystemExit(f'error: {what}: {folder} is not a folder')
    try:
        return list_images(folder)
    except Exception as err:  # DatasetLayoutError: ambiguous stems
        raise SystemExit(f'error: {what}: {err}')


def image_size(path: str) -> Optional[Tuple[int, int]]:
    """(height, width) from the file header; None if it cannot be read."""
    from PIL import Image
    try:
        with Image.open(path) as image:
            return image.size[1], image.size[0]
    except Exception:  # unreadable: reported by the caller
        return None


def check_folder(folder: str, what: str, labels: Dict[str, str],
                 sizes: Dict[str, Tuple[int, int]]) -> List[str]:
    """Problems of one image folder against the labels of its split."""
    images = scan(folder, what)
    problems = []
    missing = [s for s in sorted(labels) if s not in images]
    for stem in missing[:5]:
        problems.append(f'{what}: missing {osp.join(folder, stem + ".png")} '
                        f'(image of label {labels[stem]})')
    if len(missing) > 5:
        problems.append(f'{what}: ... and {len(missing) - 5} more missing '
                        f'images in {folder}')
    suffixes = {osp.splitext(images[s])[1] for s in labels if s in images}
    if len(suffixes) > 1:
        problems.append(f'{what}: {folder} mixes image types '
                        f'{sorted(suffixes)}; use one per folder')
    for stem in sorted(labels):
        if stem not in images:
            continue
        size = image_size(images[stem])
        if size is None:
            problems.append(f'{what}: cannot read {images[stem]}')
        elif size != sizes[stem]:
            problems.append(
                f'{what}: {images[stem]} is {size[1]}x{size[0]} but its '
                f'label {labels[stem]} is {sizes[stem][1]}x{sizes[stem][0]}')
    return problems


def folder_suffix(folder: str, stems: Sequence[str]) -> str:
    """The one image suffix of ``stems`` in ``folder`` (checked before)."""
    images = list_images(folder)
    return osp.splitext(images[stems[0]])[1]


def sha256_file(path: str) -> str:
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def run_logged(cmd: List[str], log_path: str, env: dict) -> int:
    """Run ``cmd`` with stdout and stderr appended to ``log_path``."""
    os.makedirs(osp.dirname(log_path), exist_ok=True)
    with open(log_path, 'a') as f:
        f.write(f'\n===== {time.strftime("%Y-%m-%d %H:%M:%S")} '
                f'{subprocess.list2cmdline(cmd)}\n')
        f.flush()
        return subprocess.run(
            cmd,
            stdout=f,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env).returncode


def read_json(path: str) -> Optional[dict]:
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def write_json(path: str, content: dict) -> None:
    os.makedirs(osp.dirname(path), exist_ok=True)
    atomic_write_bytes(path, (json.dumps(content, indent=1) + '\n').encode())


class Protocol:
    """The runs of one invocation: inputs, per-run settings and steps."""

    def __init__(self, args: argparse.Namespace, methods: Dict[str, Method]):
        self.args = args
        self.methods = methods
        self.work = osp.abspath(args.work_dir)
        self.config = osp.abspath(resolve_config_path(args.config))
        self.splits = {
            s: {
                kind:
                osp.abspath(getattr(args, f'{s}_{kind}')) if getattr(
                    args, f'{s}_{kind}') else None
                for kind in ('ir', 'vis', 'label')
            }
            for s in SPLITS
        }
        self.labels: Dict[str, Dict[str, str]] = {}
        self.failures: List[Tuple[str, str, str]] = []
        self.env = dict(os.environ)
        if args.jobs > 1 and 'OMP_NUM_THREADS' not in self.env:
            threads = max(1, (os.cpu_count() or 1) // args.jobs)
            self.env['OMP_NUM_THREADS'] = str(threads)

    # ---- checks before anything runs ----------------------------------
    def check_inputs(self) -> None:
        """Exit naming every missing/mismatched input before any run."""
        if ',' in self.work:
            raise SystemExit(f'error: --work-dir {self.work} contains ","')
        if not osp.isfile(self.config):
            raise SystemExit(f'error: config {self.config} does not exist')
        needs = {m.rule for m in self.methods.values() if m.kind == 'source'}
        if any(m.fuses for m in self.methods.values()):
            needs |= {'ir', 'vis'}
        problems = []
        for split in SPLITS:
            paths = self.splits[split]
            labels = scan(paths['label'], f'--{split}-label')
            if not labels:
                raise SystemExit(f'error: --{split}-label: no label images '
                                 f'in {paths["label"]}')
            self.labels[split] = labels
            sizes = {}
            for stem, path in labels.items():
                size = image_size(path)
                if size is None:
                    raise SystemExit(f'error: cannot read label {path}')
                sizes[stem] = size
            folders = [(paths[m], f'--{split}-{m}') for m in sorted(needs)]
            for m in self.methods.values():
                if m.kind == 'folder':
                    folders.append(
                        (m.folders[split], f'method {m.name} ({split})'))
            for folder, what in folders:
                if folder is None:
                    raise SystemExit(f'error: {what} is needed by a method')
                problems += check_folder(folder, what, labels, sizes)
        for m in self.methods.values():
            if m.kind == 'model':
                for path in (m.config, m.checkpoint):
                    if not osp.isfile(path):
                        problems.append(f'method {m.name}: {path} does not '
                                        'exist')
        if problems:
            raise SystemExit('error: inputs are incomplete, nothing was '
                             'run:\n  ' + '\n  '.join(problems))
        paths = [self.work] + [self.splits[s]['label'] for s in SPLITS]
        paths += [
            self.image_folder(m, s) for m in self.methods.values()
            for s in SPLITS
        ]
        for path in paths:
            if UNSAFE_IN_OPTION & set(path):
                chars = ''.join(sorted(UNSAFE_IN_OPTION))
                raise SystemExit(f'error: {path}: the characters {chars} '
                                 'cannot pass through --cfg-options; rename '
                                 'or link it')

    # ---- images per method ---------------------------------------------
    def image_folder(self, method: Method, split: str) -> str:
        if method.kind == 'folder':
            return method.folders[split]
        if method.kind == 'source':
            return self.splits[split][method.rule]
        return osp.join(self.work, method.name, 'fused', split, 'fused_rgb')

    def fuse(self, method: Method) -> bool:
        """Make a rule/model method's images (skipped when done before)."""
        for split in SPLITS:
            out = osp.join(self.work, method.name, 'fused', split)
            settings = dict(
                spec=method.spec,
                config=method.config,
                checkpoint=method.checkpoint,
                ir=self.splits[split]['ir'],
                vis=self.splits[split]['vis'])
            marker = osp.join(out, 'done.json')
            if read_json(marker) == settings and self.has_all(
                    osp.join(out, 'fused_rgb'), self.labels[split]):
                log(f'[{method.name}] {split} images: done before, kept')
                continue
            if osp.isdir(out):
                shutil.rmtree(out)
            cmd = [sys.executable, osp.join(REPO_ROOT, 'tools', 'fuse.py')]
            if method.kind == 'rule':
                cmd += ['--rule', method.rule]
            else:
                cmd += [
                    method.config, method.checkpoint, '--device',
                    self.args.fuse_device
                ]
            cmd += [
                '--ir', settings['ir'], '--vis', settings['vis'], '--out', out
            ]
            log_path = osp.join(self.work, method.name, f'fuse_{split}.log')
            log(f'[{method.name}] fusing {split} images (log: {log_path})')
            code = run_logged(cmd, log_path, self.env)
            missing = self.missing(
                osp.join(out, 'fused_rgb'), self.labels[split])
            if code or missing:
                why = f'exit status {code}' if code else \
                    f'no fused image for {missing[0]}'
                self.fail(method.name, f'fusing {split} ({why})', log_path)
                return False
            write_json(marker, settings)
        return True

    @staticmethod
    def missing(folder: str, labels: Dict[str, str]) -> List[str]:
        found = list_images(folder) if osp.isdir(folder) else {}
        return [s for s in sorted(labels) if s not in found]

    def has_all(self, folder: str, labels: Dict[str, str]) -> bool:
        return not self.missing(folder, labels)

    # ---- one segmenter run -----------------------------------------------
    def cfg_options(self, method: Method, seed: int) -> List[str]:
        """Data of ``method`` and the seed, then the user's options."""
        options = []
        splits_dir = osp.join(self.work, method.name, 'splits')
        for split in SPLITS:
            images = self.image_folder(method, split)
            stems = sorted(self.labels[split])
            ann_file = osp.join(splits_dir, f'{split}.txt')
            label_suffix = folder_suffix(self.splits[split]['label'], stems)
            loaders = ['train_dataloader'] if split == 'train' else [
                'val_dataloader', 'test_dataloader'
            ]
            for loader in loaders:
                key = f'{loader}.dataset'
                options += [
                    f'{key}.data_root=',
                    f'{key}.ann_file={ann_file}',
                    f'{key}.data_prefix.img_path={images}',
                    f'{key}.data_prefix.seg_map_path='
                    f'{self.splits[split]["label"]}',
                    f'{key}.img_suffix={folder_suffix(images, stems)}',
                    f'{key}.seg_map_suffix={label_suffix}',
                ]
        # no validation while training: tools/test.py evaluates afterwards
        options += [
            'data_root=', f'randomness.seed={seed}',
            'train_cfg.val_begin=1000000000'
        ]
        return options + list(self.args.cfg_options or [])

    def write_splits(self, method: Method) -> None:
        """Labelled stems per split: the datasets' ``ann_file``."""
        for split in SPLITS:
            path = osp.join(self.work, method.name, 'splits', f'{split}.txt')
            text = ''.join(s + '\n' for s in sorted(self.labels[split]))
            os.makedirs(osp.dirname(path), exist_ok=True)
            if not osp.isfile(path) or open(path).read() != text:
                atomic_write_bytes(path, text.encode())

    def run(self, method: Method, seed: int) -> None:
        """Train and test one (method, seed); skip it when done before."""
        tag = f'[{method.name} seed {seed}]'
        run_dir = osp.join(self.work, method.name, str(seed))
        train_dir = osp.join(run_dir, 'train')
        pred_dir = osp.join(run_dir, 'pred')
        options = self.cfg_options(method, seed)
        settings = dict(
            method=method.name,
            spec=method.spec,
            seed=seed,
            inputs=self.splits,
            labels=self.labels,
            config=self.config,
            config_sha256=sha256_file(self.config),
            cfg_options=options)
        done = read_json(osp.join(run_dir, 'done.json'))
        if (done and done.get('settings') == settings
                and osp.isfile(done.get('checkpoint', '')) and self.has_all(
                    osp.join(pred_dir, 'seg'), self.labels['val'])):
            log(f'{tag} done before, kept ({run_dir})')
            return
        if read_json(osp.join(run_dir, 'settings.json')) != settings \
                and osp.isdir(run_dir):
            log(f'{tag} settings changed or unknown: starting over')
            shutil.rmtree(run_dir)
        elif done:  # predictions or checkpoint gone: not finished any more
            os.remove(osp.join(run_dir, 'done.json'))
        write_json(osp.join(run_dir, 'settings.json'), settings)
        train_log = osp.join(run_dir, 'train.log')
        trained = read_json(osp.join(run_dir, 'trained.json')) or {}
        checkpoint = trained.get('checkpoint')
        if checkpoint and osp.isfile(checkpoint):
            log(f'{tag} trained before, testing again')
        else:
            cmd = [
                sys.executable,
                osp.join(REPO_ROOT, 'tools', 'train.py'), self.config,
                '--work-dir', train_dir
            ]
            if osp.isfile(osp.join(train_dir, 'last_checkpoint')):
                cmd.append('--resume')  # killed while training
                log(f'{tag} resuming training (log: {train_log})')
            else:
                log(f'{tag} training (log: {train_log})')
            if run_logged(cmd + ['--cfg-options', *options], train_log,
                          self.env):
                return self.fail(method.name, f'seed {seed}: training failed',
                                 train_log)
            checkpoint = self.last_checkpoint(train_dir)
            if checkpoint is None:
                return self.fail(
                    method.name, f'seed {seed}: training wrote '
                    'no checkpoint', train_log)
            write_json(
                osp.join(run_dir, 'trained.json'), dict(checkpoint=checkpoint))
        test_log = osp.join(run_dir, 'test.log')
        log(f'{tag} predicting the val split (log: {test_log})')
        if osp.isdir(pred_dir):
            shutil.rmtree(pred_dir)
        cmd = [
            sys.executable,
            osp.join(REPO_ROOT, 'tools',
                     'test.py'), self.config, checkpoint, '--work-dir',
            osp.join(run_dir, 'test'), '--out', pred_dir, '--cfg-options',
            *options
        ]
        if run_logged(cmd, test_log, self.env):
            return self.fail(method.name, f'seed {seed}: testing failed',
                             test_log)
        missing = self.missing(osp.join(pred_dir, 'seg'), self.labels['val'])
        if missing:
            return self.fail(
                method.name, f'seed {seed}: no prediction for '
                f'{missing[0]}', test_log)
        write_json(
            osp.join(run_dir, 'done.json'),
            dict(
                settings=settings,
                checkpoint=checkpoint,
                predictions=osp.join(pred_dir, 'seg'),
                finished=time.strftime('%Y-%m-%d %H:%M:%S')))
        log(f'{tag} done')

    @staticmethod
    def last_checkpoint(train_dir: str) -> Optional[str]:
        """The checkpoint mmengine recorded last in ``train_dir``."""
        try:
            with open(osp.join(train_dir, 'last_checkpoint')) as f:
                path = f.read().strip()
        except OSError:
            return None
        return path if osp.isfile(path) else None

    def guarded(self, step, method: Method, *args):
        """Run a step; an unexpected error fails only this method."""
        try:
            return step(method, *args)
        except Exception as err:  # keep the other methods going
            self.fail(method.name, f'{type(err).__name__}: {err}',
                      osp.join(self.work, method.name))
            return False

    def fail(self, method: str, what: str, log_path: str) -> None:
        self.failures.append((method, what, log_path))
        log(f'[{method}] FAILED: {what} (log: {log_path})')

    # ---- everything --------------------------------------------------------
    def finished_seeds(self, method: Method) -> List[str]:
        """Prediction folders of the seeds of ``method`` that finished."""
        folders = []
        for seed in self.args.seeds:
            run_dir = osp.join(self.work, method.name, str(seed))
            if osp.isfile(osp.join(run_dir, 'done.json')):
                folders.append(osp.join(run_dir, 'pred', 'seg'))
        return folders

    def table(self, groups: Sequence[str]) -> bool:
        """Write WORK/table.{md,csv} for the finished runs; False if none."""
        methods = []
        for m in self.methods.values():
            folders = self.finished_seeds(m)
            if folders:
                methods += ['--method', f'{m.name}=' + ','.join(folders)]
        if not methods:
            log('no run finished: no table')
            for name in ('table.md', 'table.csv'):  # stale ones would mislead
                if osp.isfile(osp.join(self.work, name)):
                    os.remove(osp.join(self.work, name))
            return False
        argv = [
            '--label', self.splits['val']['label'], *methods, '--dataset',
            self.args.dataset, '--csv',
            osp.join(self.work, 'table.csv'), '--md',
            osp.join(self.work, 'table.md')
        ]
        for group in groups:
            argv += ['--group', group]
        log(f'\nval split, segmenter {osp.relpath(self.config)}:\n')
        try:
            eval_segmentation().main(argv)  # in this process: no re-import
        except SystemExit as err:
            log(str(err.code))
            self.failures.append(
                ('table', 'eval_segmentation.py failed', '(printed above)'))
            return False
        log(f'\nwrote {osp.join(self.work, "table.md")} and '
            f'{osp.join(self.work, "table.csv")}')
        return True


def eval_segmentation():
    """The ``tools/analysis_tools/eval_segmentation.py`` CLI as a module."""
    import importlib.util
    path = osp.join(REPO_ROOT, 'tools', 'analysis_tools',
                    'eval_segmentation.py')
    spec = importlib.util.spec_from_file_location('eval_segmentation', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0].replace('\n', ' '),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='\n'.join(__doc__.splitlines()[1:]))
    parser.add_argument(
        '--method',
        action='append',
        required=True,
        metavar='NAME=SPEC',
        help='TRAIN_DIR,VAL_DIR | source:vis|ir | '
        'rule:mean|max | model:CONFIG:CHECKPOINT (repeat)')
    for split in SPLITS:
        for kind in ('ir', 'vis'):
            parser.add_argument(
                f'--{split}-{kind}',
                help=f'{split} {kind} images (for source, '
                'rule and model methods)')
        parser.add_argument(
            f'--{split}-label',
            required=True,
            help=f'{split} label maps (uint8 class indices)')
    parser.add_argument(
        '--seeds',
        type=int,
        nargs='+',
        default=[0, 1, 2],
        help='one segmenter per method and seed')
    parser.add_argument(
        '--work-dir',
        default='work_dirs/segment_fused',
        help='runs, logs and the table go here')
    parser.add_argument(
        '--config',
        default=DEFAULT_CONFIG,
        help='segmenter config (default: BiSeNetV2)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        metavar='KEY=VALUE',
        help='mmengine DictAction options for the segmenter (training and '
        'testing), e.g. train_cfg.max_iters=8000')
    parser.add_argument(
        '--jobs',
        type=int,
        default=1,
        help='runs at a time, in parallel processes')
    parser.add_argument(
        '--fuse-device',
        default='cpu',
        help='device of tools/fuse.py for model methods')
    parser.add_argument(
        '--dataset',
        default='MSRSDataset',
        help='registered dataset naming the classes')
    parser.add_argument(
        '--group',
        action='append',
        metavar='NAME=REGEX',
        help='image groups of the table, by stem (default: '
        "day='D$' night='N$', MSRS)")
    parser.add_argument(
        '--no-groups', action='store_true', help='only the overall table')
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error('--jobs must be at least 1')
    if len(set(args.seeds)) != len(args.seeds):
        parser.error('--seeds lists a seed twice')
    if args.cfg_options:
        from mmengine.config import DictAction
        try:
            DictAction(['--cfg-options'], 'cfg_options')(parser,
                                                         argparse.Namespace(),
                                                         args.cfg_options)
        except Exception as err:
            parser.error(f'--cfg-options: {err}')
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    methods = parse_methods(args.method)
    groups = parse_groups(args.group, args.no_groups)
    protocol = Protocol(args, methods)
    protocol.check_inputs()
    os.makedirs(protocol.work, exist_ok=True)
    for method in methods.values():
        protocol.write_splits(method)
    with ThreadPoolExecutor(args.jobs) as pool:
        fused = dict(
            zip(
                methods,
                pool.map(
                    lambda m: not m.fuses or protocol.guarded(
                        protocol.fuse, m), methods.values())))
        runs = [(m, seed) for m in methods.values() if fused[m.name]
                for seed in args.seeds]
        list(pool.map(lambda r: protocol.guarded(protocol.run, *r), runs))
    protocol.table(groups)
    if protocol.failures:
        log('\nFAILED:')
        for method, what, log_path in protocol.failures:
            log(f'  {method}: {what} (log: {log_path})')
        raise SystemExit(1)


if __name__ == '__main__':
    main()
