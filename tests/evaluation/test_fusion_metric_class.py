"""FusionMetric: process/compute_metrics, CSV output, and use next to
mmseg's IoUMetric in one mmengine Evaluator."""
import csv
import math

import pytest
import torch

try:  # importing the plugin first makes mmseg usable on mmcv-lite
    import segfanet_mm  # noqa: F401
except ImportError:  # pragma: no cover - only while the package is broken
    pass
from segfanet_mm.evaluation import (METRIC_NAMES, FusionMetric,
                                    compute_fusion_metrics, quantize_unit,
                                    rgb_to_grey)


def make_item(h, w, seed, name):
    """(inputs (4,H,W) uint8, data-sample dict) like the pipeline emits."""
    g = torch.Generator().manual_seed(seed)
    coarse = torch.rand(1, 4, h // 8 + 2, w // 8 + 2, generator=g)
    src = torch.nn.functional.interpolate(
        coarse, size=(h, w), mode='bilinear')[0]
    src = (src * 230 + 20 * torch.rand(4, h, w, generator=g)).round()
    src = src.clamp(0, 255).to(torch.uint8)
    fused = (0.5 * src[3:4].float() + 0.5 * src[:3].float().mean(0, True))
    fused = (fused / 255.0 + 0.01 * torch.rand(1, h, w, generator=g))
    sample = {
        'img_path': f'/data/vis/{name}.png',
        'ori_shape': (h, w),
        'pred_fused': {
            'data': fused.clamp(0, 1)
        },
    }
    return src, sample


def expected(src, sample, **conv):
    f = quantize_unit(sample['pred_fused']['data'])
    vis = rgb_to_grey(src[:3])
    ir = src[3:4].float()
    out = compute_fusion_metrics(f, ir, vis, conv or None)
    return {k: float(v[0]) for k, v in out.items()}


def test_process_and_compute_metrics(tmp_path):
    items = [make_item(48, 64, i, f'img{i}') for i in range(3)] + \
        [make_item(56, 50, 9, 'odd')]
    csv_path = tmp_path / 'sub' / 'fusion.csv'
    metric = FusionMetric(csv_file=str(csv_path))
    # two batches, the second with two sizes
    metric.process({'inputs': [i[0] for i in items[:2]]},
                   [i[1] for i in items[:2]])
    metric.process({'inputs': [i[0] for i in items[2:]]},
                   [i[1] for i in items[2:]])
    assert [r['img_name']
            for r in metric.results] == ['img0', 'img1', 'img2', 'odd']
    for (src, sample), row in zip(items, metric.results):
        ref = expected(src, sample)
        for k in METRIC_NAMES:
            assert row[k] == pytest.approx(ref[k], rel=1e-9, abs=1e-12), k

    result = metric.compute_metrics(metric.results)
    assert list(result) == list(METRIC_NAMES)
    for k in METRIC_NAMES:
        mean = sum(r[k] for r in metric.results) / 4
        assert result[k] == pytest.approx(mean, rel=1e-12)

    with open(csv_path, newline='') as fh:
        rows = list(csv.DictReader(fh))
    assert [r['img_name'] for r in rows] == ['img0', 'img1', 'img2', 'odd']
    assert list(rows[0]) == ['img_name', *METRIC_NAMES]
    for r, res in zip(rows, metric.results):
        assert float(r['VIF']) == pytest.approx(res['VIF'], rel=1e-7)


def test_switches_subset_and_prefix():
    src, sample = make_item(48, 64, 3, 'x')
    metric = FusionMetric(
        metrics=['MI', 'SSIM', 'SD'],
        mi_base='2',
        ssim_data_range=255,
        scale=1)
    metric.process({'inputs': [src]}, [sample])
    row = metric.results[0]
    assert set(row) == {'img_name', 'MI', 'SSIM', 'SD'}
    ref = expected(src, sample)
    assert row['MI'] == pytest.approx(ref['MI'] / math.log(2), rel=1e-12)
    assert row['SD'] == pytest.approx(ref['SD'] / 255, rel=1e-12)
    assert row['SSIM'] > ref['SSIM']
    assert FusionMetric(prefix='fusion').prefix == 'fusion'


def test_quantization_modes():
    src, sample = make_item(48, 64, 4, 'q')
    rows = {}
    for mode in ('round', 'floor'):
        metric = FusionMetric(metrics=['MSE'], quantize=mode)
        metric.process({'inputs': [src]}, [sample])
        rows[mode] = metric.results[0]['MSE']
    assert rows['round'] != rows['floor']
    with pytest.raises(ValueError):
        FusionMetric(quantize='ceil')


def test_data_sample_objects_and_stacked_inputs():
    from mmengine.structures import PixelData
    from mmseg.structures import SegDataSample
    src, sample = make_item(40, 44, 5, 'obj')
    ds = SegDataSample(metainfo={'img_path': sample['img_path']})
    ds.pred_fused = PixelData(data=sample['pred_fused']['data'])
    metric = FusionMetric(metrics=['EN', 'VIF'])
    metric.process({'inputs': src[None]}, [ds])  # stacked (B,4,H,W) too
    assert metric.results[0]['img_name'] == 'obj'
    assert metric.results[0]['EN'] == pytest.approx(
        expected(src, sample)['EN'], rel=1e-12)


def test_clear_errors():
    src, sample = make_item(32, 40, 6, 'broken')
    metric = FusionMetric()
    no_pred = {k: v for k, v in sample.items() if k != 'pred_fused'}
    with pytest.raises(ValueError, match='broken.*pred_fused'):
        metric.process({'inputs': [src]}, [no_pred])
    small = dict(sample, pred_fused={'data': torch.rand(1, 16, 40)})
    with pytest.raises(ValueError, match='broken.*original image size'):
        metric.process({'inputs': [src]}, [small])
    with pytest.raises(ValueError, match='broken.*\\(4, H, W\\)'):
        metric.process({'inputs': [src[:3]]}, [sample])


def test_with_iou_metric_in_one_evaluator(tmp_path):
    from mmengine.evaluator import Evaluator
    from mmengine.registry import DefaultScope
    from mmengine.structures import PixelData
    from mmseg.registry import METRICS
    from mmseg.structures import SegDataSample

    assert METRICS.get('FusionMetric') is FusionMetric
    with DefaultScope.overwrite_default_scope('mmseg'):
        evaluator = Evaluator([
            dict(type='IoUMetric', iou_metrics=['mIoU']),
            dict(type='FusionMetric', csv_file=str(tmp_path / 'f.csv'))
        ])
    evaluator.dataset_meta = dict(
        classes=('background', 'person'), palette=[[0, 0, 0], [255, 0, 0]])
    g = torch.Generator().manual_seed(0)
    for b in range(2):
        inputs, samples = [], []
        for j in range(2):
            src, s = make_item(48, 64, 10 * b + j, f'im{b}{j}')
            ds = SegDataSample(metainfo={'img_path': s['img_path']})
            ds.gt_sem_seg = PixelData(
                data=torch.randint(0, 2, (1, 48, 64), generator=g))
            ds.pred_sem_seg = PixelData(
                data=torch.randint(0, 2, (1, 48, 64), generator=g))
            ds.pred_fused = PixelData(data=s['pred_fused']['data'])
            inputs.append(src)
            samples.append(ds)
        evaluator.process(samples, {'inputs': inputs})
    result = evaluator.evaluate(4)
    for k in ('aAcc', 'mIoU', 'mAcc', *METRIC_NAMES):
        assert k in result, k
    assert all(math.isfinite(result[k]) for k in METRIC_NAMES)
    with open(tmp_path / 'f.csv', newline='') as fh:
        assert len(list(csv.DictReader(fh))) == 4
