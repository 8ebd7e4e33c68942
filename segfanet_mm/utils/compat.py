"""The project's patches to third-party packages, in one place.

Everything else that this project changes about mmengine goes through its
extension points (``SegFANetRunner`` via ``runner_type``, hooks, optimizer
wrappers, registries). Two fixes cannot: they must act when ``mmseg`` is
imported or when any code (``mmseg.apis.init_model`` included) loads a
checkpoint. Each is applied only where the installed versions need it, and
:func:`applied_patches` lists what this process got::

    >>> import segfanet_mm
    >>> segfanet_mm.utils.applied_patches()
    ['mmcv_ops_placeholder', 'safe_checkpoint_loaders']

``mmcv_ops_placeholder``
    mmseg 1.x imports ``mmcv.ops`` at module level, which needs mmcv's
    compiled extension; ``mmcv-lite`` has none, so ``import mmseg.models``
    fails (open-mmlab/mmsegmentation#871). Applied when ``mmcv._ext`` is
    missing: a placeholder ``mmcv.ops`` whose compiled ops raise a clear
    error when used (:mod:`.mmcv_compat`).
``safe_checkpoint_loaders``
    torch 2.6 made ``torch.load(weights_only=True)`` the default, and
    mmengine's loaders (up to 0.10.7, its latest release) then refuse every
    checkpoint its Runner writes (open-mmlab/mmengine#1655). Applied for
    torch >= 2.6 with mmengine <= 0.10.7: the local and HTTP(S) schemes load
    with an allow-list of mmengine's training-state classes
    (:mod:`.checkpoint_compat`), never with full unpickling.
"""
from typing import Callable, List, NamedTuple

import mmengine
import torch
from mmengine.utils import digit_version

from .checkpoint_compat import register_safe_checkpoint_loaders
from .mmcv_compat import has_compiled_mmcv_ops, install_mmcv_ops_placeholder


class Patch(NamedTuple):
    name: str
    needed: Callable[[], bool]
    apply: Callable[[], object]


def _loaders_refuse_runner_checkpoints() -> bool:
    """torch's weights-only default meets mmengine's unguarded loaders."""
    return (digit_version(torch.__version__) >= digit_version('2.6.0')
            and digit_version(mmengine.__version__) <= digit_version('0.10.7'))


PATCHES = (
    Patch('mmcv_ops_placeholder', lambda: not has_compiled_mmcv_ops(),
          install_mmcv_ops_placeholder),
    Patch('safe_checkpoint_loaders', _loaders_refuse_runner_checkpoints,
          register_safe_checkpoint_loaders),
)
_applied: List[str] = []


def apply_patches() -> List[str]:
    """Apply each patch of :data:`PATCHES` that this environment needs
    (once per process); return the names applied."""
    for patch in PATCHES:
        if patch.name not in _applied and patch.needed():
            patch.apply()
            _applied.append(patch.name)
    return applied_patches()


def applied_patches() -> List[str]:
    """Names of the patches applied in this process, in order."""
    return list(_applied)
