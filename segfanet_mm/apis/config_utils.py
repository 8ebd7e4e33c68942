"""Config handling shared by the command-line tools (mmseg semantics)."""
import logging
import os.path as osp
from typing import Any, Optional

import torch
from mmengine.config import Config
from mmengine.logging import print_log
from mmengine.runner import Runner
from mmseg.registry import RUNNERS

# Configs renamed to mmseg's scheme {algorithm}-{variant}_{N}xb{B}-
# {schedule}_{dataset}-{crop} (configs/segfanet/README.md): old path under
# configs/ -> new path under configs/. The only record of the old names:
# load_config reads an old path from its new file and says so once; there
# are no alias files.
RENAMED_CONFIGS = {
    'segfanet_demo.py':
    'segfanet/segfanet-s_1xb4-400i_demo-128x128.py',
    'segfanet_demo_noalign.py':
    'segfanet/segfanet-s-noalign_1xb4-400i_demo-128x128.py',
    'segfanet_demo_fusiononly.py':
    'segfanet/segfanet-s-fusiononly_1xb4-400i_demo-128x128.py',
    'segfanet_b_demo.py':
    'segfanet/segfanet-b_1xb4-400i_demo-128x128.py',
    'segfanet_s_real.py':
    'segfanet/segfanet-s_1xb8-1000i_roadscene-msrsmini-192x192.py',
    'segfanet_s_real_noalign.py':
    'segfanet/segfanet-s-noalign_1xb8-1000i_roadscene-msrsmini-192x192.py',
    'segfanet_s_real_fusiononly.py':
    'segfanet/segfanet-s-fusiononly_1xb8-1000i_roadscene-msrsmini-192x192.py',
    'segfanet_b_real.py':
    'segfanet/segfanet-b_1xb8-1000i_roadscene-msrsmini-192x192.py',
    'segfanet_msrs.py':
    'segfanet/segfanet-s_1xb4-40k_msrs-480x640.py',
    'segfanet_potsdam.py':
    'segfanet/segfanet-s_1xb4-80k_potsdam-512x512.py',
    'segfanet_whu.py':
    'segfanet/segfanet-s_1xb4-80k_whu-512x512.py',
    'baselines/fcn_r18-4ch_demo.py':
    'baselines/fcn_r18-4ch_1xb4-600i_demo-128x128.py',
}


def resolve_config_path(path: str, warn: bool = True) -> str:
    """The file to read for the config ``path``.

    ``path`` itself when it is a file. The old path of a renamed config
    (``configs/segfanet_whu.py``, relative or absolute; see
    :data:`RENAMED_CONFIGS`) gives its new file, with one warning naming
    it when ``warn``. Any other path comes back unchanged, so reading it
    fails as it always did.
    """
    if osp.isfile(path):
        return path
    norm = osp.normpath(path)
    for old, new in RENAMED_CONFIGS.items():
        tail = osp.join('configs', *old.split('/'))
        if norm != tail and not norm.endswith(osp.sep + tail):
            continue
        moved = norm[:len(norm) - len(tail)] + osp.join(
            'configs', *new.split('/'))
        if not osp.isfile(moved):
            break
        if warn:
            print_log(
                f'config {path} was renamed to {moved}; loading that '
                '(the old path keeps working, but use the new one)',
                logger='current',
                level=logging.WARNING)
        return moved
    return path


def load_config(path: str,
                cfg_options: Optional[dict] = None,
                work_dir: Optional[str] = None,
                launcher: str = 'none') -> Config:
    """Read a config, apply ``--cfg-options`` and resolve ``work_dir``.

    Every tool reads its config here. An old path of a renamed config
    reads the new file (:func:`resolve_config_path`). A top-level
    variable given in ``--cfg-options`` (``data_root=DIR``) reaches every
    place the config used it: see :func:`rebind_variable`. ``work_dir``
    priority, as in mmseg: command line > config file >
    ``./work_dirs/<config name>`` (the new name for a renamed config).
    """
    path = resolve_config_path(path)
    if not osp.isfile(path):
        raise FileNotFoundError(f'config file {path} does not exist')
    cfg = Config.fromfile(path)
    cfg.launcher = launcher
    if cfg_options:
        bound = {
            key: cfg[key]
            for key in cfg_options if '.' not in key and key in cfg
            and not isinstance(cfg[key], dict)
        }
        cfg.merge_from_dict(cfg_options)
        for key, old in bound.items():
            rebind_variable(list(cfg.values()), key, old, cfg[key])
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(path))[0])
    return cfg


def rebind_variable(node: Any, key: str, old: Any, new: Any) -> None:
    """Give every nested ``key`` that holds ``old`` the value ``new``.

    mmengine substitutes a config's top-level variables (``data_root``) at
    parse time, so overriding the variable afterwards changes only the
    top-level key, not the dataloaders built from it. Re-binding the nested
    keys of the same name that still hold the variable's old value restores
    what users of mmseg configs expect from ``--cfg-options data_root=DIR``;
    keys set to something else (a dataset with its own root, or a nested
    override given with it) keep their value. Done here, on the loaded
    config, it works for every tool and config without a hook or a change
    of config syntax.
    """
    children = node.values() if isinstance(node, dict) else \
        node if isinstance(node, (list, tuple)) else ()
    for child in children:
        rebind_variable(child, key, old, new)
    if isinstance(node, dict) and key in node and node[key] == old:
        node[key] = new


def enable_amp(cfg: Config, dtype: str = 'float16') -> None:
    """Switch the optimizer wrapper to mixed precision.

    On a GPU this is mmengine's ``AmpOptimWrapper``: ``dtype='float16'``
    with dynamic loss scaling, as mmseg does, or ``'bfloat16'`` (no scaling
    needed); on a CPU it is :class:`CPUBF16OptimWrapper` (bfloat16).
    Both skip a step whose gradients are not finite (the loss scaler;
    ``SkipNonFiniteOptimWrapper``, which ``CPUBF16OptimWrapper`` extends).
    """
    wrapper = cfg.optim_wrapper.get('type', 'OptimWrapper')
    if wrapper in ('AmpOptimWrapper', 'CPUBF16OptimWrapper'):
        print_log(
            'AMP training is already enabled in your config.',
            logger='current',
            level=logging.WARNING)
        return
    if wrapper not in ('OptimWrapper', 'SkipNonFiniteOptimWrapper'):
        raise ValueError('--amp needs optim_wrapper.type OptimWrapper or '
                         f'SkipNonFiniteOptimWrapper, got {wrapper}')
    if torch.cuda.is_available():
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.dtype = dtype
        cfg.optim_wrapper.loss_scale = 'dynamic' if dtype == 'float16' \
            else 1.0
    else:
        cfg.optim_wrapper.type = 'CPUBF16OptimWrapper'


def enable_speed_options(cfg: Config,
                         channels_last: bool = False,
                         compile_model: bool = False) -> None:
    """``--channels-last``: add :class:`ChannelsLastHook`; ``--compile``:
    mmengine's ``cfg.compile`` (``torch.compile`` of the training step)."""
    if channels_last:
        hooks = list(cfg.get('custom_hooks', []))
        if not any(h.get('type') == 'ChannelsLastHook' for h in hooks):
            hooks.append(dict(type='ChannelsLastHook'))
        cfg.custom_hooks = hooks
    if compile_model:
        cfg.compile = cfg.get('compile') or True


def build_runner(cfg: Config) -> Runner:
    """The config's ``runner_type`` (``SegFANetRunner`` in
    ``_base_/default_runtime.py``), or mmengine's Runner when it has none:
    what mmseg's ``tools/train.py`` builds."""
    if 'runner_type' in cfg:
        return RUNNERS.build(cfg)
    return Runner.from_cfg(cfg)
