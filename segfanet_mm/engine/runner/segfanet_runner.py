"""mmengine's Runner with crash-safe checkpoints and CPU torchrun.

Selected by ``runner_type = 'SegFANetRunner'`` (``configs/_base_/
default_runtime.py``); ``tools/train.py`` and ``tools/test.py`` build it
through mmseg's ``RUNNERS`` registry, as mmseg's own tools do for any
``runner_type``. It differs from mmengine 0.10.7's Runner in four ways, all
through overridable methods, so nothing in mmengine is patched:

* **Atomic checkpoint files.** mmengine writes ``iter_N.pth`` in place; a
  process killed while writing (SIGKILL, OOM killer, pre-empted node) leaves
  a truncated file. Here each checkpoint is written beside its final name,
  fsynced and renamed over it (``os.replace``), so a checkpoint file is
  always complete.
* **Resume that survives a broken ``last_checkpoint``.** The checkpoint hook
  rewrites ``work_dir/last_checkpoint`` in place after every save; killed in
  between, it is empty or names a missing file, and mmengine's ``--resume``
  fails. Here ``--resume`` falls back to the newest complete ``iter_*.pth``
  / ``epoch_*.pth`` (:func:`find_latest_checkpoint`).
* **torchrun on a CPU-only machine.** mmengine's ``launcher='pytorch'`` calls
  ``torch.cuda.set_device`` and wraps the model with
  ``device_ids=[LOCAL_RANK]``, both of which fail without CUDA. Without a
  GPU this runner starts the process group with ``gloo`` and wraps CPU
  models with ``device_ids=None`` (as ``DistributedDataParallel`` requires).
  With a GPU, mmengine's own path runs unchanged.
* **Schedules that follow ``train_cfg.max_iters``.** The schedules leave
  out the ``end`` of their poly decay, so mmengine ends it at the run's last
  iteration; a run shorter than the warm-up (``--cfg-options
  train_cfg.max_iters=4``) would then give the decay ``begin=50 >= end=4``,
  which mmengine refuses. An iteration-based scheduler without ``end`` that
  begins at or after the last iteration never acts, so it is left out:
  every learning rate stays what it would have been.
"""
import datetime
import glob
import os
import os.path as osp
import re
from typing import Dict, List, Optional, Union

import torch
import torch.distributed as torch_dist
from mmengine.dist import is_distributed, master_only
from mmengine.runner import Runner
from mmseg.registry import RUNNERS
from torch import nn

_CKPT_NAME = re.compile(r'(?:iter|epoch)_(\d+)\.pth$')


def find_latest_checkpoint(work_dir: str) -> Optional[str]:
    """The checkpoint that ``work_dir/last_checkpoint`` names if that file
    exists, else the newest ``iter_*.pth``/``epoch_*.pth`` in ``work_dir``
    (None if there is none)."""
    pointer = osp.join(work_dir, 'last_checkpoint')
    if osp.isfile(pointer):
        with open(pointer) as f:
            named = f.read().strip()
        if named and osp.isfile(named):
            return named
    numbered = [(int(m.group(1)), path)
                for path in glob.glob(osp.join(work_dir, '*.pth'))
                if (m := _CKPT_NAME.search(osp.basename(path)))]
    return max(numbered)[1] if numbered else None


def _fsync_and_replace(tmp_path: str, path: str) -> None:
    """Flush ``tmp_path`` to disk and rename it over ``path``."""
    with open(tmp_path, 'rb+') as f:
        os.fsync(f.fileno())
    os.replace(tmp_path, path)
    if hasattr(os, 'O_DIRECTORY'):  # persist the rename itself (POSIX)
        fd = os.open(osp.dirname(osp.abspath(path)), os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@RUNNERS.register_module()
class SegFANetRunner(Runner):
    """mmengine's Runner, with the four changes of the module docstring."""

    def build_param_scheduler(self, scheduler: Union[Dict, List]):
        return super().build_param_scheduler(
            self._without_unreached(scheduler))

    def _without_unreached(self, scheduler: Union[Dict, List]):
        """``scheduler`` (a list, or one list per optimizer) without the
        iteration-based configs that have no ``end`` and begin at or after
        ``max_iters``."""
        if isinstance(scheduler, dict) and 'type' not in scheduler:
            return {
                name: self._without_unreached(value)
                for name, value in scheduler.items()
            }
        if not isinstance(scheduler, (list, tuple)):
            return scheduler
        return [
            s for s in scheduler
            if not (isinstance(s, dict) and s.get('by_epoch', True) is False
                    and 'end' not in s and s.get('begin', 0) >= self.max_iters)
        ]

    def setup_env(self, env_cfg: Dict) -> None:
        if (self.distributed and self.launcher == 'pytorch'
                and not torch.cuda.is_available() and not is_distributed()):
            timeout = env_cfg.get('dist_cfg', {}).get('timeout')  # seconds
            kwargs = {} if timeout is None else dict(
                timeout=datetime.timedelta(seconds=timeout))
            torch_dist.init_process_group(
                backend='gloo',
                rank=int(os.environ['RANK']),
                world_size=int(os.environ['WORLD_SIZE']),
                **kwargs)
        super().setup_env(env_cfg)  # skips init_dist once a group exists

    def wrap_model(self, model_wrapper_cfg: Optional[Dict],
                   model: nn.Module) -> nn.Module:
        if self.distributed and not torch.cuda.is_available():
            model_wrapper_cfg = dict(
                model_wrapper_cfg or dict(
                    type='MMDistributedDataParallel',
                    broadcast_buffers=False,
                    find_unused_parameters=self.cfg.get(
                        'find_unused_parameters', False)))
            model_wrapper_cfg['device_ids'] = None  # a CPU module
        return super().wrap_model(model_wrapper_cfg, model)

    def load_or_resume(self) -> None:
        if self._resume and self._load_from is None and not self._has_loaded:
            latest = find_latest_checkpoint(self.work_dir)
            if latest is None:
                self.logger.info(f'--resume: no checkpoint in '
                                 f'{self.work_dir}; training from scratch')
                self._resume = False
            else:  # mmengine resumes from an explicit load_from
                self.logger.info(
                    f'Auto resumed from the latest checkpoint {latest}.')
                self._load_from = latest
        super().load_or_resume()

    @master_only  # as mmengine's: rank 0 writes
    def save_checkpoint(self,
                        out_dir: str,
                        filename: str,
                        file_client_args: Optional[dict] = None,
                        save_optimizer: bool = True,
                        save_param_scheduler: bool = True,
                        meta: Optional[dict] = None,
                        by_epoch: bool = True,
                        backend_args: Optional[dict] = None) -> None:
        # mmengine's signature, spelled out: PreflightCheckHook checks the
        # checkpoint hook's keys against it.
        options = dict(
            file_client_args=file_client_args,
            save_optimizer=save_optimizer,
            save_param_scheduler=save_param_scheduler,
            meta=meta,
            by_epoch=by_epoch,
            backend_args=backend_args)
        if '://' in out_dir:  # remote storage: mmengine's own write
            return super().save_checkpoint(out_dir, filename, **options)
        tmp_name = f'.{filename}.{os.getpid()}.tmp'
        tmp_path = osp.join(out_dir, tmp_name)
        try:
            super().save_checkpoint(out_dir, tmp_name, **options)
            _fsync_and_replace(tmp_path, osp.join(out_dir, filename))
        except BaseException:
            if osp.exists(tmp_path):
                os.unlink(tmp_path)
            raise
