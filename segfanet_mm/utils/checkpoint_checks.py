"""Checks that a checkpoint's weights are usable and fit a model.

mmengine loads weights non-strictly by default (``load_from``, the Runner's
``load_checkpoint``): weights of another variant, another number of classes
or an unrelated model load partly, with a warning, and the rest of the
network stays random. Inference must not hand back images from such a
network, so it compares the checkpoint with the model first
(:func:`check_state_dict_fits`). Weights holding NaN or Inf make every output
NaN; :func:`check_finite_weights` refuses them on every load.
"""
import re
from typing import Any, Dict, List, Mapping, Sequence

import torch
from torch import nn


class CheckpointMismatchError(RuntimeError):
    """The checkpoint's weights do not fit the model built from the config."""


class NonFiniteWeightsError(ValueError):
    """The checkpoint holds NaN or Inf weights."""


def state_dict_of(checkpoint: Mapping) -> Dict[str, Any]:
    """The weights of an mmengine checkpoint (``state_dict``) or of a plain
    state dict, with a DDP ``module.`` prefix stripped as mmengine does."""
    weights = checkpoint.get('state_dict', checkpoint)
    return {re.sub(r'^module\.', '', k): v for k, v in weights.items()}


def _listed(names: Sequence[str], shown: int = 5) -> str:
    more = f', ... ({len(names)} in all)' if len(names) > shown else ''
    return ', '.join(names[:shown]) + more


def check_finite_weights(checkpoint: Any, name: str) -> None:
    """Raise :class:`NonFiniteWeightsError` naming the tensors of
    ``checkpoint`` (a checkpoint or state dict) that hold NaN or Inf."""
    if not isinstance(checkpoint, Mapping):
        return
    bad = [
        key for key, value in state_dict_of(checkpoint).items()
        if isinstance(value, torch.Tensor) and value.is_floating_point()
        and not torch.isfinite(value).all()
    ]
    if bad:
        raise NonFiniteWeightsError(
            f'{name}: weights hold NaN or Inf in {_listed(bad)}; the training '
            'run that wrote it diverged; use an earlier checkpoint')


def _mismatch(model: nn.Module, checkpoint: Mapping) -> List[str]:
    """What keeps ``checkpoint`` from loading into ``model`` strictly: one
    entry each for missing, unexpected and mis-shaped tensors (empty when it
    fits). BatchNorm's ``num_batches_tracked`` counters are not required, as
    in mmengine."""
    expected = model.state_dict()
    given = state_dict_of(checkpoint)
    missing = [
        k for k in expected
        if k not in given and not k.endswith('num_batches_tracked')
    ]
    unexpected = [k for k in given if k not in expected]
    shapes = [
        f'{k} (checkpoint {tuple(given[k].shape)}, model '
        f'{tuple(expected[k].shape)})' for k in expected
        if k in given and isinstance(given[k], torch.Tensor)
        and given[k].shape != expected[k].shape
    ]
    problems = []
    if missing:
        problems.append(f'{len(missing)} tensors missing: {_listed(missing)}')
    if unexpected:
        problems.append(f'{len(unexpected)} unexpected: {_listed(unexpected)}')
    if shapes:
        problems.append(f'{len(shapes)} of another shape: {_listed(shapes)}')
    return problems


def check_state_dict_fits(model: nn.Module, checkpoint: Mapping,
                          name: str) -> None:
    """Raise :class:`CheckpointMismatchError` (one line naming ``name`` and
    what is missing, unexpected or mis-shaped) unless ``checkpoint`` loads
    into ``model`` strictly."""
    problems = _mismatch(model, checkpoint)
    if problems:
        raise CheckpointMismatchError(
            f'{name} does not fit the model of the config (another variant, '
            'number of classes or model?): ' + '; '.join(problems) +
            ' (to start fine-tuning from what fits, give it to training as '
            'load_from, or to init_fusion_model with strict=False)')
