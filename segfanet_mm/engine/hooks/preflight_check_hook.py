"""Check, before the first training iteration, what would otherwise fail
only after an interval of training."""
import inspect
from typing import List, Tuple

from mmengine.hooks import CheckpointHook, Hook
from mmengine.model import is_model_wrapper
from mmseg.registry import HOOKS
from torch import nn

from ...datasets.transforms.image_io import ImageReadError
from ...datasets.transforms.loading import LoadIVFAnnotations


class PreflightError(ValueError):
    """The config cannot train as written; the message names the key or
    file to fix."""


def _segmentation_heads(model: nn.Module) -> List[Tuple[str, nn.Module]]:
    """``(config key, head)`` of every decode/auxiliary head with classes."""
    heads = []
    for attr in ('decode_head', 'auxiliary_head'):
        head = getattr(model, attr, None)
        if isinstance(head, nn.ModuleList):
            heads += [(f'model.{attr}[{i}]', h) for i, h in enumerate(head)]
        elif head is not None:
            heads.append((f'model.{attr}', head))
    return [(key, h) for key, h in heads if hasattr(h, 'num_classes')]


def _labelled(dataset) -> bool:
    return any('seg_map_path' in dataset.get_data_info(i)
               for i in range(len(dataset)))


@HOOKS.register_module()
class PreflightCheckHook(Hook):
    """Fail before training, naming the config key or file, on:

    * a head whose ``num_classes`` differs from the classes of a labelled
      train or validation data set (else: ``IndexError: Target 2 is out of
      bounds`` after the first iteration, or a silently wrong mIoU);
    * unknown keys in the ``CheckpointHook`` config, which that hook hands
      to ``Runner.save_checkpoint`` only when it first saves (other hooks
      refuse unknown keys when they are built);
    * validation labels out of range (values ``>= num_classes`` other than
      255 = ignore), which would otherwise stop the run at the first
      validation. This reads every validation label once, as the
      validation pipeline would (``label_map`` and ``reduce_zero_label``
      applied); ``check_val_labels=False`` skips it for very large sets.
      Training labels are checked as they are loaded.

    Registered in ``configs/_base_/default_runtime.py``.
    """

    priority = 'VERY_HIGH'

    def __init__(self, check_val_labels: bool = True) -> None:
        self.check_val_labels = check_val_labels

    def before_train(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        heads = _segmentation_heads(model)
        loaders = [('train_dataloader', runner.train_dataloader)]
        if runner.val_loop is not None:
            loaders.append(('val_dataloader', runner.val_loop.dataloader))
        for key, loader in loaders:
            self._check_classes(heads, key, loader.dataset)
        self._check_hook_keys(runner)
        if self.check_val_labels and heads and runner.val_loop is not None:
            self._check_labels(heads[0], runner.val_loop.dataloader.dataset)

    @staticmethod
    def _check_classes(heads, loader_key: str, dataset) -> None:
        classes = dataset.metainfo.get('classes')
        if not classes or not _labelled(dataset):
            return
        for key, head in heads:
            if head.num_classes != len(classes):
                raise PreflightError(
                    f'{key}.num_classes={head.num_classes} but '
                    f'{loader_key}.dataset ({type(dataset).__name__}) has '
                    f'{len(classes)} classes {tuple(classes)}; set '
                    f'{key}.num_classes={len(classes)} or the data set\'s '
                    'metainfo classes')

    @staticmethod
    def _check_hook_keys(runner) -> None:
        accepted = inspect.signature(runner.save_checkpoint).parameters
        if any(p.kind is p.VAR_KEYWORD for p in accepted.values()):
            return
        names = {
            cfg.get('type'): f'default_hooks.{name}'
            for name, cfg in (runner.cfg.get('default_hooks') or {}).items()
            if isinstance(cfg, dict)
        }
        valid = [
            p for p in inspect.signature(CheckpointHook).parameters
            if p != 'kwargs'
        ]
        for hook in runner.hooks:
            if not isinstance(hook, CheckpointHook):
                continue
            unknown = sorted(k for k in hook.args if k not in accepted)
            if unknown:
                key = names.get(type(hook).__name__, 'custom_hooks')
                raise PreflightError(
                    f'{key}: unknown key(s) {", ".join(unknown)} for '
                    f'{type(hook).__name__}; it takes {", ".join(valid)}')

    @staticmethod
    def _check_labels(head: Tuple[str, nn.Module], dataset) -> None:
        key, module = head
        load = LoadIVFAnnotations()
        seen = set()
        for i in range(len(dataset)):
            info = dataset.get_data_info(i)
            path = info.get('seg_map_path')
            if not path or path in seen:
                continue
            seen.add(path)
            try:
                load.transform(dict(info, num_classes=module.num_classes))
            except ImageReadError as err:
                raise PreflightError(
                    f'val_dataloader: {err}; fix the label or '
                    f'{key}.num_classes') from None
