"""Crash-safe checkpoints for mmengine's Runner.

mmengine 0.10.7 writes a checkpoint with ``open(path, 'wb')`` through its
local file backend and then rewrites ``work_dir/last_checkpoint`` in place.
A process killed in the middle (SIGKILL, OOM killer, preempted node) leaves a
truncated ``.pth`` or an empty ``last_checkpoint``, and ``--resume`` fails.

:func:`install_atomic_checkpoints` makes both writes atomic (temporary file in
the same folder, fsync, ``os.replace``):

* the ``local`` file backend is re-registered (mmengine's own extension
  point, ``register_backend(force=True)``) as :class:`AtomicLocalBackend`,
  so every ``put``/``put_text`` through ``mmengine.fileio`` — checkpoints
  included — is atomic;
* the checkpoint hook's module gets an ``open`` that writes
  ``last_checkpoint`` atomically (all other opens go to the builtin);
* ``--resume`` additionally tolerates a ``last_checkpoint`` that is empty or
  names a missing file, falling back to the newest complete ``iter_*.pth`` /
  ``epoch_*.pth`` in the work_dir.
"""
import builtins
import glob
import io
import os.path as osp
import re
from pathlib import Path
from typing import Optional, Union

from .atomic_io import atomic_write_bytes


def _make_atomic_backend():
    from mmengine.fileio.backends import LocalBackend

    class AtomicLocalBackend(LocalBackend):
        """mmengine's local backend with atomic ``put`` and ``put_text``."""

        def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
            import mmengine
            mmengine.mkdir_or_exist(osp.dirname(str(filepath)))
            atomic_write_bytes(str(filepath), obj)

        def put_text(self, obj: str, filepath: Union[str, Path],
                     encoding: str = 'utf-8') -> None:
            self.put(obj.encode(encoding), filepath)

    return AtomicLocalBackend


class _AtomicTextFile(io.StringIO):
    """A text buffer that replaces its target atomically on close."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path

    def close(self) -> None:
        if not self.closed:
            atomic_write_bytes(self.path, self.getvalue().encode('utf-8'))
        super().close()


def _open_for_checkpoint_hook(file, mode='r', *args, **kwargs):
    if str(file).endswith('last_checkpoint') and mode == 'w':
        return _AtomicTextFile(str(file))
    return builtins.open(file, mode, *args, **kwargs)


_CKPT_NAME = re.compile(r'(?:iter|epoch)_(\d+)\.pth$')


def find_latest_checkpoint(path: str) -> Optional[str]:
    """The checkpoint named in ``last_checkpoint`` if it exists, else the
    newest ``iter_*.pth``/``epoch_*.pth`` in ``path`` (or None)."""
    save_file = osp.join(path, 'last_checkpoint')
    if osp.isfile(save_file):
        with open(save_file) as f:
            named = f.read().strip()
        if named and osp.isfile(named):
            return named
    candidates = [(int(m.group(1)), p)
                  for p in glob.glob(osp.join(path, '*.pth'))
                  if (m := _CKPT_NAME.search(p))]
    return max(candidates)[1] if candidates else None


def install_atomic_checkpoints() -> None:
    """Apply the three changes described in the module docstring."""
    import mmengine.hooks.checkpoint_hook as checkpoint_hook
    import mmengine.runner.runner as runner_module
    from mmengine.fileio import register_backend
    from mmengine.fileio.io import backend_instances

    if getattr(checkpoint_hook, 'open', None) is _open_for_checkpoint_hook:
        return
    register_backend('local', _make_atomic_backend(), force=True, prefixes='')
    backend_instances.clear()  # drop cached non-atomic instances
    checkpoint_hook.open = _open_for_checkpoint_hook
    runner_module.find_latest_checkpoint = find_latest_checkpoint
