"""FusionMetric: infrared-visible fusion metrics as an mmengine metric.

Works next to mmseg's ``IoUMetric`` in one evaluator::

    val_evaluator = [dict(type='IoUMetric', iou_metrics=['mIoU']),
                     dict(type='FusionMetric')]

Its keys (EN, SD, SF, AG, MI, SCD, VIF, Qabf, SSIM, CC, PSNR, MSE by
default; ``metrics='all'`` adds the others of ``ALL_METRIC_NAMES``) do not
collide with IoUMetric's (aAcc, mIoU, mAcc, ...); set ``prefix`` to
namespace them (``prefix='fusion'`` gives ``fusion/EN``, ...).
"""
import csv
import io
import math
import os
import os.path as osp
from collections import OrderedDict
from typing import Any, Dict, List, Optional, Sequence, Union

import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log
from mmengine.structures import BaseDataElement
from mmseg.registry import METRICS

from ...utils.atomic_io import atomic_write_bytes
from ..functional import (METRIC_NAMES, FusionConvention,
                          compute_fusion_metrics, quantize_unit, rgb_to_grey)
from ..functional.fusion_metrics import resolve_metric_names


def write_per_image_csv(rows: Sequence[dict],
                        path: str,
                        names: Sequence[str] = METRIC_NAMES) -> None:
    """Write ``img_name`` and one column per metric (``%.8g``), one row per
    image, atomically (a crash leaves the previous file whole)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator='\n')
    writer.writerow(['img_name', *names])
    for r in rows:
        writer.writerow([r['img_name'], *(f'{r[k]:.8g}' for k in names)])
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    atomic_write_bytes(path, buffer.getvalue().encode())


@METRICS.register_module()
class FusionMetric(BaseMetric):
    """Reference/no-reference fusion metrics, per image, averaged.

    **Inputs** (fixed by the data pipeline): ``data_batch['inputs']`` is a
    list of uint8 tensors (4, H, W) — visible R, G, B and infrared — as the
    pack transform emits them (before the data preprocessor);
    ``data_sample['pred_fused']['data']`` is the fused luminance, a float
    tensor (1, H, W) in [0, 1] at the original image size;
    ``data_sample['img_path']`` names the visible file.

    **Grey images**: A = infrared channel; B = BT.601 grey of the visible
    RGB, ``round_half_even(0.299R + 0.587G + 0.114B)`` in float32 (see
    :func:`~segfanet_mm.evaluation.rgb_to_grey`); F = the fused luminance
    quantised like a saved 8-bit image, ``clip(round(255 * Y), 0, 255)``
    (``quantize='floor'`` truncates as ``np.uint8(255 * Y)`` would;
    ``'none'`` keeps ``255 * Y`` unrounded). Metrics are then computed on
    the 0..255 scale under the fixture convention unless switched.

    Args:
        metrics: Names from ``ALL_METRIC_NAMES`` or ``'all'`` (default: the
            twelve of ``METRIC_NAMES``).
        mi_base: ``'e'`` (nats, default) or ``'2'`` (bits) for MI.
        scale: ``255`` (default) or ``1`` — SD, SF, AG, MSE as for images
            on [0, 1].
        ssim_data_range: SSIM's L (default 2; 255 = textbook).
        psnr_peak: ``'max'`` (default, max(F)) or a number (255).
        psnr_cap: Optional cap in dB; without it, F identical to both
            sources gives PSNR = inf.
        pair_reduction: ``'sum'`` (default) or ``'mean'`` over the two
            sources for SSIM and VIF.
        ag_denominator: ``'HW'`` (default) or ``'(H-1)(W-1)'``.
        qabf_equal_rule: ``'gF'`` (default) or ``'one'``.
        undefined_weight: Qc/Qy where their weight is 0/0: ``'half'``
            (default) or ``'nan'`` (the toolbox).
        nabf_call_order: ``'paper'`` (default) or ``'tang'`` (Tang's
            argument order, IR as the fused image).
        quantize: ``'round'`` (default), ``'floor'`` or ``'none'``.
        csv_file: If given, a per-image CSV (``img_name`` + metrics) is
            written there on rank 0 in :meth:`compute_metrics`.
        device: ``'auto'`` (compute where ``pred_fused`` lives), ``'cpu'``
            or ``'cuda'``.
        num_threads: torch CPU threads while computing; ``None`` (default)
            keeps torch's setting. See
            :func:`~segfanet_mm.evaluation.compute_fusion_metrics`.
        collect_device, prefix, collect_dir: See
            :class:`mmengine.evaluator.BaseMetric`. No prefix by default.
    """
    default_prefix: Optional[str] = ''

    def __init__(self,
                 metrics: Optional[Sequence[str]] = None,
                 mi_base: str = 'e',
                 scale: int = 255,
                 ssim_data_range: float = 2.0,
                 psnr_peak: Union[str, float] = 'max',
                 psnr_cap: Optional[float] = None,
                 pair_reduction: str = 'sum',
                 ag_denominator: str = 'HW',
                 qabf_equal_rule: str = 'gF',
                 undefined_weight: str = 'half',
                 nabf_call_order: str = 'paper',
                 quantize: str = 'round',
                 csv_file: Optional[str] = None,
                 device: str = 'auto',
                 num_threads: Optional[int] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None,
                 collect_dir: Optional[str] = None) -> None:
        super().__init__(
            collect_device=collect_device,
            prefix=prefix,
            collect_dir=collect_dir)
        self.metric_names = list(resolve_metric_names(metrics))
        self.convention = FusionConvention(
            mi_base=mi_base,
            scale=scale,
            ssim_data_range=ssim_data_range,
            psnr_peak=psnr_peak,
            psnr_cap=psnr_cap,
            pair_reduction=pair_reduction,
            ag_denominator=ag_denominator,
            qabf_equal_rule=qabf_equal_rule,
            undefined_weight=undefined_weight,
            nabf_call_order=nabf_call_order)
        if quantize not in ('round', 'floor', 'none'):
            raise ValueError("quantize must be 'round', 'floor' or 'none', "
                             f'got {quantize!r}')
        self.quantize = quantize
        self.csv_file = csv_file
        if device not in ('auto', 'cpu', 'cuda'):
            raise ValueError(f"device must be 'auto', 'cpu' or 'cuda', "
                             f'got {device!r}')
        self.device = device
        self.num_threads = num_threads

    # ------------------------------------------------------------------
    @staticmethod
    def _name(sample: dict, index: int) -> str:
        path = sample.get('img_path')
        if path:
            return osp.splitext(osp.basename(str(path)))[0]
        return f'sample_{index}'

    @staticmethod
    def _fused(sample: dict, name: str) -> torch.Tensor:
        pred = sample.get('pred_fused')
        if pred is None:
            raise ValueError(
                f'FusionMetric: data sample of image {name!r} has no '
                "'pred_fused' (the fused luminance); the model's predict "
                'step must set it')
        if isinstance(pred, BaseDataElement):
            pred = pred.to_dict()
        data = pred.get('data') if isinstance(pred, dict) else pred
        if not torch.is_tensor(data):
            raise ValueError(
                f"FusionMetric: 'pred_fused' of image {name!r} has no tensor "
                f"'data' (got {type(data).__name__})")
        if data.ndim == 3 and data.shape[0] == 1:
            data = data[0]
        if data.ndim != 2:
            raise ValueError(
                f"FusionMetric: 'pred_fused' of image {name!r} must be a "
                f'(1, H, W) luminance map, got shape {tuple(data.shape)}')
        return data

    def _device_for(self, fused: torch.Tensor) -> torch.device:
        if self.device == 'auto':
            return fused.device
        return torch.device(self.device)

    def process(self, data_batch: Any, data_samples: Sequence[dict]) -> None:
        """Grey-convert one batch and store per-image metric dicts."""
        inputs = data_batch['inputs'] if isinstance(data_batch, dict) \
            else data_batch
        if inputs is None or len(inputs) != len(data_samples):
            raise ValueError(
                'FusionMetric: data_batch["inputs"] must hold one (4, H, W) '
                'source tensor per data sample')
        triples: List[tuple] = []
        for i, (src, sample) in enumerate(zip(inputs, data_samples)):
            if isinstance(sample, BaseDataElement):
                sample = sample.to_dict()
            name = self._name(sample, i)
            fused = self._fused(sample, name)
            src = torch.as_tensor(src)
            if src.ndim != 3 or src.shape[0] != 4:
                raise ValueError(
                    f'FusionMetric: inputs of image {name!r} must be (4, H, W)'
                    ' = visible RGB + infrared, got shape '
                    f'{tuple(src.shape)}')
            if tuple(fused.shape) != tuple(src.shape[-2:]):
                raise ValueError(
                    f'FusionMetric: fused image of {name!r} is '
                    f'{tuple(fused.shape)} but its sources are '
                    f'{tuple(src.shape[-2:])}; pred_fused must be at the '
                    'original image size')
            device = self._device_for(fused)
            f = quantize_unit(fused.detach().to(device), self.quantize)
            src = src.to(device)
            vis = rgb_to_grey(src[:3])
            ir = src[3:4]
            if not ir.is_floating_point():
                ir = ir.to(torch.float32)
            if self.quantize != 'none':
                # 8-bit levels: uint8 is the fast path of the histograms
                f, vis, ir = (t.to(torch.uint8) for t in (f, vis, ir))
            triples.append((name, f, ir, vis))

        # batch images of equal size and device into one call
        groups: Dict[tuple, List[int]] = OrderedDict()
        for i, (_, f, _, _) in enumerate(triples):
            groups.setdefault((tuple(f.shape), str(f.device)), []).append(i)
        rows: List[Optional[dict]] = [None] * len(triples)
        for idx in groups.values():
            f = torch.stack([triples[i][1] for i in idx])
            a = torch.stack([triples[i][2] for i in idx])
            b = torch.stack([triples[i][3] for i in idx])
            values = compute_fusion_metrics(
                f,
                a,
                b,
                self.convention,
                self.metric_names,
                num_threads=self.num_threads)
            values = {k: v.cpu().tolist() for k, v in values.items()}
            for j, i in enumerate(idx):
                row = {'img_name': triples[i][0]}
                row.update({k: float(values[k][j]) for k in self.metric_names})
                rows[i] = row
        self.results.extend(rows)

    def compute_metrics(self, results: list) -> Dict[str, float]:
        """Average the per-image values (NaN/inf propagate) and optionally
        write the per-image CSV."""
        if self.csv_file:
            write_per_image_csv(results, self.csv_file, self.metric_names)
            print_log(
                f'FusionMetric: per-image values written to {self.csv_file}',
                logger='current')
        means = OrderedDict()
        for k in self.metric_names:
            vals = np.asarray([r[k] for r in results], dtype=np.float64)
            means[k] = float(vals.mean()) if vals.size else math.nan
        width = max(len(k) for k in self.metric_names)
        lines = [
            f'FusionMetric over {len(results)} images, '
            f'{self.convention.describe()}'
        ] + [f'  {k:<{width}}  {v:.6g}' for k, v in means.items()]
        print_log('\n'.join(lines), logger='current')
        return dict(means)
