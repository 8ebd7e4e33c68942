"""Config handling shared by the command-line tools (mmseg semantics)."""
import logging
import os.path as osp
from typing import Optional

import torch
from mmengine.config import Config
from mmengine.logging import print_log


def load_config(path: str,
                cfg_options: Optional[dict] = None,
                work_dir: Optional[str] = None,
                launcher: str = 'none') -> Config:
    """Read a config, apply ``--cfg-options`` and resolve ``work_dir``.

    ``work_dir`` priority, as in mmseg: command line > config file >
    ``./work_dirs/<config name>``.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'config file {path} does not exist')
    cfg = Config.fromfile(path)
    cfg.launcher = launcher
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(path))[0])
    return cfg


def enable_amp(cfg: Config, dtype: str = 'float16') -> None:
    """Switch the optimizer wrapper to mixed precision.

    On a GPU this is mmengine's ``AmpOptimWrapper``: ``dtype='float16'``
    with dynamic loss scaling, as mmseg does, or ``'bfloat16'`` (no scaling
    needed); on a CPU it is :class:`CPUBF16OptimWrapper` (bfloat16).
    """
    wrapper = cfg.optim_wrapper.get('type', 'OptimWrapper')
    if wrapper in ('AmpOptimWrapper', 'CPUBF16OptimWrapper'):
        print_log('AMP training is already enabled in your config.',
                  logger='current', level=logging.WARNING)
        return
    if wrapper != 'OptimWrapper':
        raise ValueError('--amp needs optim_wrapper.type OptimWrapper, got '
                         f'{wrapper}')
    if torch.cuda.is_available():
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.dtype = dtype
        cfg.optim_wrapper.loss_scale = 'dynamic' if dtype == 'float16' \
            else 1.0
    else:
        cfg.optim_wrapper.type = 'CPUBF16OptimWrapper'


def enable_speed_options(cfg: Config, channels_last: bool = False,
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
