"""Properties of the fusion metrics that hold whatever the data."""
import importlib.util
import math

import numpy as np
import pytest
import torch

try:  # importing the plugin first makes mmseg usable on mmcv-lite
    import segfanet_mm  # noqa: F401
except ImportError:  # pragma: no cover - only while the package is broken
    pass
from data_paths import REPO_ROOT

from segfanet_mm.evaluation import (METRIC_NAMES, FusionConvention,
                                    compute_fusion_metrics)
from segfanet_mm.evaluation import functional as FM


def smooth_image(h, w, seed, lo=0, hi=255):
    g = torch.Generator().manual_seed(seed)
    coarse = torch.rand(1, 1, h // 8 + 2, w // 8 + 2, generator=g)
    x = torch.nn.functional.interpolate(
        coarse, size=(h, w), mode='bilinear', align_corners=False)
    x = lo + (hi - lo) * x + 12 * torch.rand(1, 1, h, w, generator=g)
    return x.round().clamp(0, 255).to(torch.uint8)


@pytest.fixture(scope='module')
def triple():
    return smooth_image(72, 96,
                        1), smooth_image(72, 96,
                                         2), smooth_image(72, 96, 3, 40, 200)


def values(f, a, b, **conv):
    out = compute_fusion_metrics(f, a, b, FusionConvention(**conv))
    return {k: float(v[0]) for k, v in out.items()}


# ---------------------------------------------------------------- entropy
def test_entropy_of_constant_is_zero():
    assert float(FM.entropy(torch.full((1, 1, 20, 30), 77.0))[0]) == 0.0


def test_entropy_of_uniform_levels_is_8_bits():
    x = torch.arange(
        256, dtype=torch.uint8).view(1, 1, 16, 16).repeat(1, 1, 3, 2)
    assert float(FM.entropy(x)[0]) == pytest.approx(8.0, abs=1e-12)
    assert float(FM.entropy(x, base='e')[0]) == pytest.approx(
        8 * math.log(2), abs=1e-12)


def test_mi_of_image_with_itself_is_its_entropy_in_nats(triple):
    f = triple[0]
    mi = float(FM.mutual_information(f, f)[0])
    assert mi == pytest.approx(float(FM.entropy(f, base='e')[0]), rel=1e-12)


def test_mi_matches_sklearn(triple):
    sk = pytest.importorskip('sklearn.metrics')
    f, a, _ = triple
    ref = sk.mutual_info_score(f.numpy().ravel(), a.numpy().ravel())
    assert float(FM.mutual_information(f, a)[0]) == pytest.approx(
        ref, rel=1e-10)


# ---------------------------------------------------------- no-reference
def test_sf_ag_of_constant_are_zero():
    c = torch.full((1, 1, 9, 11), 200, dtype=torch.uint8)
    assert float(FM.spatial_frequency(c)[0]) == 0.0
    assert float(FM.average_gradient(c)[0]) == 0.0
    v = values(c, c, c)
    assert v['SF'] == 0.0 and v['AG'] == 0.0 and v['SD'] == 0.0
    assert v['EN'] == 0.0


def test_ag_matches_numpy_gradient(triple):
    f = triple[0][0, 0].double().numpy()
    gy, gx = np.gradient(f)
    ref = np.mean(np.sqrt((gx**2 + gy**2) / 2))
    assert float(FM.average_gradient(triple[0])[0]) == pytest.approx(
        ref, rel=1e-6)


# --------------------------------------------------------------- SSIM
@pytest.mark.parametrize('data_range', [2.0, 255.0])
def test_ssim_of_image_with_itself_is_one(triple, data_range):
    x = triple[1]
    assert float(FM.ssim(x, x, data_range)[0]) == pytest.approx(1.0, abs=1e-6)
    assert float(FM.fusion_ssim(x, x, x, data_range)[0]) == pytest.approx(
        2.0, abs=2e-6)
    assert float(
        FM.fusion_ssim(x, x, x, data_range, reduction='mean')[0]) == \
        pytest.approx(1.0, abs=1e-6)


# --------------------------------------------------------------- symmetry
def test_reference_metrics_symmetric_in_sources(triple):
    f, a, b = triple
    v1, v2 = values(f, a, b), values(f, b, a)
    for k in ('VIF', 'Qabf', 'MI', 'SSIM', 'CC', 'SCD', 'MSE', 'PSNR'):
        assert v1[k] == pytest.approx(v2[k], rel=1e-6, abs=1e-9), k
    for k in ('EN', 'SD', 'SF', 'AG'):
        assert v1[k] == v2[k], k


# --------------------------------------------------------------- PSNR
def test_psnr_of_identical_images_is_inf_or_cap(triple):
    x = triple[0]
    v = values(x, x, x)
    assert v['MSE'] == 0.0
    assert math.isinf(v['PSNR']) and v['PSNR'] > 0
    assert values(x, x, x, psnr_cap=100.0)['PSNR'] == 100.0
    assert math.isinf(float(FM.psnr(x, x, x)[0]))
    # MSE zero is checked before the peak: an all-black triple is inf too
    z = torch.zeros_like(x)
    assert math.isinf(values(z, z, z)['PSNR'])


# --------------------------------------------------------------- switches
def test_switch_factors(triple):
    f, a, b = triple
    h, w = f.shape[-2:]
    base = values(f, a, b)
    assert values(
        f, a, b, mi_base='2')['MI'] == pytest.approx(
            base['MI'] / math.log(2), rel=1e-12)
    s1 = values(f, a, b, scale=1)
    for k in ('SD', 'SF', 'AG'):
        assert s1[k] == pytest.approx(base[k] / 255, rel=1e-12), k
    assert s1['MSE'] == pytest.approx(base['MSE'] / 255**2, rel=1e-12)
    for k in ('EN', 'MI', 'SCD', 'VIF', 'Qabf', 'SSIM', 'CC', 'PSNR'):
        assert s1[k] == base[k], k
    mean = values(f, a, b, pair_reduction='mean')
    for k in ('SSIM', 'VIF'):
        assert mean[k] == pytest.approx(base[k] / 2, rel=1e-12), k
    ag = values(f, a, b, ag_denominator='(H-1)(W-1)')['AG']
    assert ag == pytest.approx(
        base['AG'] * h * w / ((h - 1) * (w - 1)), rel=1e-12)
    p255 = values(f, a, b, psnr_peak=255)['PSNR']
    assert p255 == pytest.approx(
        10 * math.log10(255**2 / base['MSE']), rel=1e-12)
    assert values(
        f, a, b, scale=1, psnr_peak=1)['PSNR'] == pytest.approx(
            p255, rel=1e-12)
    l255 = values(f, a, b, ssim_data_range=255)['SSIM']
    assert l255 > base['SSIM']
    assert l255 == pytest.approx(
        float(FM.ssim(f, a, 255)[0] + FM.ssim(f, b, 255)[0]), rel=1e-12)
    one = values(f, a, b, qabf_equal_rule='one')['Qabf']
    assert one != base['Qabf']
    assert abs(one - base['Qabf']) / base['Qabf'] < 1e-2


def test_convention_describe_and_validation():
    assert FusionConvention().describe().startswith('fixture convention')
    assert 'MI bits' in FusionConvention(mi_base='2').describe()
    assert FusionConvention.build({'mi_base': '2'}).mi_base == '2'
    assert FusionConvention.build(None, scale=1).scale == 1
    with pytest.raises(ValueError):
        FusionConvention(mi_base='10')
    with pytest.raises(ValueError):
        FusionConvention(scale=100)
    with pytest.raises(ValueError):
        FusionConvention(pair_reduction='max')


# ----------------------------------------------------------- grey / quant
def test_grey_conversion_float32_rule():
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 256, (3, 50, 40), dtype=np.uint8)
    r, g, b = (c.astype(np.float32) for c in rgb)
    ref = np.round(
        np.float32(0.299) * r + np.float32(0.587) * g + np.float32(0.114) * b)
    out = FM.rgb_to_grey(torch.from_numpy(rgb))
    assert out.shape == (1, 50, 40)
    assert np.array_equal(out[0].numpy(), ref)
    exact = FM.rgb_to_grey(torch.from_numpy(rgb), rounding='exact')
    s = 299 * r.astype(np.int64) + 587 * g.astype(np.int64) + 114 * \
        b.astype(np.int64)
    q, rem = np.divmod(s, 1000)
    ref_exact = q + (rem > 500) + ((rem == 500) & (q % 2 == 1))
    assert np.array_equal(exact[0].numpy(), ref_exact)
    # a tie (299R+587G+114B = 52500) where float32 lands above .5
    tie = torch.tensor([0, 84, 28], dtype=torch.uint8).view(3, 1, 1)
    assert float(FM.rgb_to_grey(tie)) == 53.0
    assert float(FM.rgb_to_grey(tie, rounding='exact')) == 52.0
    # batched, channels-last, float input
    batch = torch.from_numpy(rgb)[None].repeat(2, 1, 1, 1)
    assert FM.rgb_to_grey(batch).shape == (2, 1, 50, 40)
    hwc = torch.from_numpy(rgb).permute(1, 2, 0).float()
    assert torch.equal(FM.rgb_to_grey(hwc, channel_dim=-1)[..., 0], out[0])


def test_quantize_unit():
    y = torch.tensor([-0.1, 0.0, 0.5 / 255, 1.5 / 255, 0.2, 1.0, 1.3])
    assert FM.quantize_unit(y).tolist() == [0, 0, 0, 2, 51, 255, 255]
    assert FM.quantize_unit(y, 'floor').tolist() == [0, 0, 0, 1, 51, 255, 255]
    none = FM.quantize_unit(y, 'none')
    assert none[3].item() == pytest.approx(1.5) and none[-1].item() == 255


# ------------------------------------------------------------ API details
def test_batch_equals_single_images(triple):
    f, a, b = triple
    fb = torch.cat([f, a, b])
    ab = torch.cat([a, b, f])
    bb = torch.cat([b, f, a])
    batched = compute_fusion_metrics(fb, ab, bb)
    for i in range(3):
        single = compute_fusion_metrics(fb[i:i + 1], ab[i:i + 1], bb[i:i + 1])
        for k in METRIC_NAMES:
            assert float(batched[k][i]) == pytest.approx(
                float(single[k][0]), rel=1e-12, abs=1e-12), k


def test_non_integer_inputs_use_float_path(triple):
    f, a, b = (t.float() + 0.25 for t in triple)
    v = compute_fusion_metrics(f, a, b)
    fn, an, bn = (t[0, 0].double().numpy() for t in (f, a, b))
    assert float(v['SD'][0]) == pytest.approx(fn.std(), rel=1e-9)
    mse = (np.mean((an - fn)**2) + np.mean((bn - fn)**2)) / 2
    assert float(v['MSE'][0]) == pytest.approx(mse, rel=1e-6)
    cc = (np.corrcoef(an.ravel(), fn.ravel())[0, 1] +
          np.corrcoef(bn.ravel(), fn.ravel())[0, 1]) / 2
    assert float(v['CC'][0]) == pytest.approx(cc, rel=1e-9)
    assert float(v['PSNR'][0]) == pytest.approx(
        10 * math.log10(fn.max()**2 / mse), rel=1e-6)


def test_agrees_with_numpy_baseline(triple):
    """The straightforward NumPy/SciPy/sklearn implementation in the
    benchmark script gives the same numbers."""
    pytest.importorskip('scipy')
    pytest.importorskip('sklearn')
    path = REPO_ROOT / 'tools' / 'analysis_tools' / 'benchmark_metrics.py'
    spec = importlib.util.spec_from_file_location('_bench_metrics', path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    f, a, b = (t[0, 0].numpy() for t in triple)
    ref = bench.numpy_metrics(f, a, b)
    out = values(*triple)
    for k in METRIC_NAMES:
        assert out[k] == pytest.approx(ref[k], rel=1e-5, abs=1e-9), k


def test_small_images_give_nan_not_errors():
    x = torch.randint(0, 256, (1, 1, 6, 6), dtype=torch.uint8)
    y = torch.randint(0, 256, (1, 1, 6, 6), dtype=torch.uint8)
    v = values(x, y, x)
    assert math.isnan(v['VIF']) and math.isnan(v['SSIM'])
    assert math.isfinite(v['EN']) and math.isfinite(v['Qabf'])


def test_subset_shapes_and_errors(triple):
    f, a, b = triple
    out = compute_fusion_metrics(
        f[0, 0], a[0, 0], b[0, 0], metrics=['vif', 'EN'])
    assert list(out) == ['VIF', 'EN']
    assert out['EN'].shape == (1, ) and out['EN'].dtype == torch.float64
    with pytest.raises(KeyError):
        compute_fusion_metrics(f, a, b, metrics=['NOT_A_METRIC'])
    with pytest.raises(ValueError, match='same shape'):
        compute_fusion_metrics(f, a[..., :-1], b)


def test_num_threads_is_restored(triple):
    before = torch.get_num_threads()
    compute_fusion_metrics(*triple, metrics=['SF'], num_threads=1)
    assert torch.get_num_threads() == before


@pytest.mark.skipif(not torch.cuda.is_available(), reason='needs CUDA')
def test_cuda_matches_cpu(triple):  # pragma: no cover - no GPU in CI
    cpu = compute_fusion_metrics(*triple)
    gpu = compute_fusion_metrics(*(t.cuda() for t in triple))
    for k in METRIC_NAMES:
        assert gpu[k].device.type == 'cuda'
        assert float(gpu[k][0]) == pytest.approx(float(cpu[k][0]), rel=1e-5)
