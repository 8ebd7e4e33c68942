"""The metrics beyond the default twelve reproduce the public MATLAB
toolboxes (shared/data/metric_fixture/extra, skipped when absent) and keep
their defining properties on generated images (always on)."""
import csv
import math

import numpy as np
import pytest
import torch
from test_fusion_metric_fixture import FIXTURE

from segfanet_mm.evaluation import (ALL_METRIC_NAMES, METRIC_NAMES,
                                    compute_fusion_metrics)
from segfanet_mm.evaluation.functional import EXTRA_METRIC_NAMES
from segfanet_mm.evaluation.functional.fusion_metrics import (
    NAN_CASES, resolve_metric_names)

cv2 = pytest.importorskip('cv2')

EXTRA_CSV = FIXTURE / 'extra' / 'fixture_extra_metrics.csv'
needs_fixture = pytest.mark.skipif(
    not EXTRA_CSV.is_file(), reason=f'no {EXTRA_CSV}')

# our name -> (fixture column, relative tolerance, convention overrides)
MATCHED = {
    'CE': ('VIFB_CE', 1e-8, {}),
    'EI': ('VIFB_EI', 1e-6, {}),
    'RMSE_VIFB': ('VIFB_RMSE', 1e-8, {}),
    'PSNR_VIFB': ('VIFB_PSNR', 1e-8, {}),
    'NMI': ('NMI_Hossny', 1e-8, {}),
    'Qncie': ('Qncie', 1e-8, {}),
    # float32 FFTs (the toolbox: float64)
    'Qp': ('Qp', 2e-5, {}),
    'Qsf': ('Qsf', 1e-8, {}),
    # the toolbox's λ in windows flat in both sources is rounding noise
    # (test_q0_residual_is_octaves_rounding_in_flat_windows)
    'Q0': ('Q0_Piella', 2e-4, {}),
    'Qw': ('Qw_Piella', 3e-6, {}),
    'Qcb': ('VIFB_Qcb', 1e-8, {}),
    'Qcv': ('VIFB_Qcv', 1e-8, {}),
    # float32 atan/sigmoid/pow, vectorised per CPU: 4e-7 on an AMD EPYC,
    # 2e-6 on an Intel Xeon (Sapphire Rapids), both AVX-512
    'Nabf': ('Nabf', 5e-6, {}),
    'Qg': ('Qg', 1e-6, {}),
    'MEF_SSIM': ('MS_SSIM', 1e-9, {}),
}


def fixture_rows():
    if not EXTRA_CSV.is_file():
        return []
    with open(EXTRA_CSV, newline='') as fh:
        return list(csv.DictReader(fh))


def fixture_triple(row):
    if row['image'] == 'synthetic':
        paths = [
            FIXTURE / 'synthetic' / f'{k}.png' for k in ('fused', 'ir', 'vis')
        ]
    else:
        g = FIXTURE / 'gray'
        paths = [
            g / 'fused' / row['method'] / f"{row['image']}.png",
            g / 'ir' / f"{row['image']}.png", g / 'vis' / f"{row['image']}.png"
        ]
    return [
        torch.from_numpy(cv2.imread(str(p), cv2.IMREAD_UNCHANGED))
        for p in paths
    ]


@pytest.fixture(scope='module')
def fixture_values():
    """{(image, method): (our values, reference row)} for every triple."""
    out = {}
    for row in fixture_rows():
        f, a, b = fixture_triple(row)
        ours = compute_fusion_metrics(f, a, b, metrics=list(MATCHED))
        out[(row['image'], row['method'])] = ({
            k: float(v[0])
            for k, v in ours.items()
        }, row)
    return out


@needs_fixture
@pytest.mark.parametrize('name', list(MATCHED))
def test_matches_the_matlab_toolbox(name, fixture_values):
    column, rtol, _ = MATCHED[name]
    for key, (ours, row) in fixture_values.items():
        ref = float(row[column])
        if not math.isfinite(ref):  # the toolboxes' NaN and -Inf
            assert math.isnan(ours[name]), (key, ours[name])
        else:
            assert ours[name] == pytest.approx(ref, rel=rtol), key


def octave_flat_variance(level: float) -> float:
    """``filter2(w, x.^2) - filter2(w, x).^2`` of a constant window as
    Octave evaluates it: ``fspecial('gaussian', 11, 1.5)`` normalised
    twice (column-major sums), ``conv2`` 'valid' accumulating the 121
    products in column-major order with fused multiply-adds (OpenBLAS
    ``daxpy``)."""
    from fractions import Fraction
    t = [
        math.exp(-(u * u + v * v) / 4.5) for v in range(-5, 6)
        for u in range(-5, 6)
    ]  # column-major
    total = 0.0
    for x in t:
        total += x
    t = [x / total for x in t]
    total = 0.0
    for col in range(11):
        s = 0.0
        for x in t[col * 11:(col + 1) * 11]:
            s += x
        total += s
    t = [x / total for x in t]

    def fma_sum(value):
        acc = 0.0
        for x in t:
            acc = float(Fraction(x) * Fraction(value) + Fraction(acc))
        return acc

    mean = fma_sum(level)
    return fma_sum(level * level) - mean * mean


@needs_fixture
def test_q0_residual_is_octaves_rounding_in_flat_windows():
    """Where both sources are flat, Liu's λ = σ_A²/(σ_A² + σ_B²) is 0/0;
    the toolbox only catches exact zeros, so its λ there is a ratio of
    Octave's rounding noise. Putting that noise into our statistics in
    exactly those windows reproduces the reference Q0 to 1e-9: the rest
    of Q0 is the toolbox's computation."""
    from segfanet_mm.evaluation.functional.structural import (flat_windows,
                                                              local_stats,
                                                              ssim_map)
    noise = torch.tensor([octave_flat_variance(float(c)) for c in range(256)],
                         dtype=torch.float64)
    for row in fixture_rows():
        if row['image'] == 'synthetic':
            continue
        f, a, b = (t[None, None].double() for t in fixture_triple(row))
        _, _, var_a, var_b, _ = local_stats(a, b, 11)
        flat = flat_windows(torch.cat([a, b], 1), 11)
        level = torch.cat([a, b], 1)[..., 5:-5, 5:-5].long()
        var = torch.where(flat, noise[level], torch.cat([var_a, var_b], 1))
        var = var + 0.5 * (var.sum(1, keepdim=True) == 0)
        lam = var[:, :1] / var.sum(1, keepdim=True)
        q = ssim_map(
            local_stats(f, torch.cat([a, b], 1), 11), (0.01 * 255)**2,
            (0.03 * 255)**2)
        q0 = float((lam * q[:, :1] + (1 - lam) * q[:, 1:]).mean())
        assert q0 == pytest.approx(float(row['Q0_Piella']), rel=1e-9), \
            row['image']


@needs_fixture
def test_nabf_tang_call_order_reproduces_tangs_script():
    """nabf_call_order='tang' passes IR as the fused image, as Tang's
    analysis_Reference.m does (column Nabf_TangCallOrder)."""
    for row in fixture_rows():
        f, a, b = fixture_triple(row)
        v = compute_fusion_metrics(
            f, a, b, {'nabf_call_order': 'tang'}, metrics=['Nabf'])['Nabf']
        assert float(v[0]) == pytest.approx(
            float(row['Nabf_TangCallOrder']), rel=1e-6), row['image']


FMI_CSV = FIXTURE / 'extra' / 'fmi_crops.csv'


def fmi_rows():
    if not FMI_CSV.is_file():
        return []
    with open(FMI_CSV, newline='') as fh:
        return list(csv.DictReader(fh))


@pytest.mark.skipif(not FMI_CSV.is_file(), reason=f'no {FMI_CSV}')
@pytest.mark.parametrize('name', ['FMI_pixel', 'FMI_dct'])
def test_fmi_matches_haghighats_code_on_the_crops(name):
    """The reference ran Haghighat's fmi.m (Tang's copy) on a fixed 32x32
    crop (rows 121:152, cols 201:232, 1-based) and on the 8x8 case; the
    windows in float64 as there, their logarithms in float32 (within
    6.1e-8 of the reference)."""
    for row in fmi_rows():
        f, a, b = fixture_triple(row)
        if row['image'] != 'synthetic':
            f, a, b = (t[120:152, 200:232] for t in (f, a, b))
        v = compute_fusion_metrics(f, a, b, metrics=[name])[name]
        assert float(v[0]) == pytest.approx(float(row[name]), rel=2e-7), \
            row['image']


def smooth_image(seed, h=64, w=80):
    rng = np.random.default_rng(seed)
    coarse = rng.uniform(0, 255, (h // 8 + 2, w // 8 + 2))
    img = cv2.resize(coarse, (w, h), interpolation=cv2.INTER_LINEAR)
    img = img + rng.normal(0, 6, (h, w))
    return torch.from_numpy(np.clip(np.round(img), 0, 255).astype(np.uint8))


@pytest.fixture(scope='module')
def sources():
    return smooth_image(1), smooth_image(2)


def values(f, a, b, names=EXTRA_METRIC_NAMES, **conv):
    out = compute_fusion_metrics(f, a, b, conv or None, metrics=names)
    return {k: float(v[0]) for k, v in out.items()}


def test_all_selects_every_metric_in_order():
    assert list(resolve_metric_names('all')) == list(ALL_METRIC_NAMES)
    assert list(resolve_metric_names(None)) == list(METRIC_NAMES)
    assert resolve_metric_names(['qy', 'ALL'])[0] == 'Qy'
    assert len(set(ALL_METRIC_NAMES)) == len(ALL_METRIC_NAMES)
    with pytest.raises(KeyError, match="'nope'"):
        resolve_metric_names(['EN', 'nope'])


def test_fused_equal_to_a_source_is_perfect_for_that_source(sources):
    """F = A = B: every similarity metric reaches its best value."""
    a, _ = sources
    v = values(a, a, a)
    assert v['CE'] == 0 and v['RMSE_VIFB'] == 0
    assert v['PSNR_VIFB'] == math.inf
    assert v['Qsf'] == pytest.approx(0, abs=1e-12)
    assert v['NMI'] == pytest.approx(2.0)
    for k in ('Q0', 'Qw', 'Qc', 'Qy'):
        assert v[k] == pytest.approx(1.0, abs=1e-9), k


def test_swapping_the_sources_changes_nothing(sources):
    a, b = sources
    f = ((a.int() + b.int()) // 2).to(torch.uint8)
    v_ab, v_ba = values(f, a, b), values(f, b, a)
    for k in EXTRA_METRIC_NAMES:
        assert v_ab[k] == pytest.approx(
            v_ba[k], rel=1e-9, abs=1e-12, nan_ok=True), k


def test_ranges_on_an_average_fusion(sources):
    a, b = sources
    f = ((a.int() + b.int()) // 2).to(torch.uint8)
    v = values(f, a, b)
    assert 0 < v['NMI'] < 2 and 0 < v['Qncie'] < 1
    for k in ('Q0', 'Qw', 'Qc', 'Qy'):
        assert 0 < v[k] < 1, k
    assert v['CE'] > 0 and v['EI'] > 0 and v['RMSE_VIFB'] > 0
    # averaging loses detail: F's spatial frequency is below the reference
    assert v['Qsf'] < 0


def test_edge_intensity_grows_with_contrast(sources):
    a, _ = sources
    low = (a.float() * 0.5).round().to(torch.uint8)
    assert values(a, a, a, ['EI'])['EI'] > values(low, a, a, ['EI'])['EI']


# Degenerate inputs (issue 21 item 5): NaN exactly where the metric's
# formula is 0/0 (NAN_CASES says when), a finite number otherwise, +inf only
# for the PSNRs of F equal to both sources.
DEGENERATE_NAN = {
    'PSNR': {'all-zero F'},
    'Qabf': {'all-zero sources', 'all zero'},
    'NMI': {
        'constant F', 'constant sources', 'all zero', 'all constant',
        'one constant source'
    },
    'Qncie':
    {'constant F', 'constant sources', 'all constant', 'one constant source'},
    'Qp': {
        'constant F', 'all-zero F', 'constant sources', 'all-zero sources',
        'all zero', 'all constant'
    },
    'Qsf':
    {'constant sources', 'all-zero sources', 'all zero', 'all constant'},
    'Qcb': {
        'constant F', 'all-zero F', 'constant sources', 'all-zero sources',
        'all zero', 'all constant', 'one constant source',
        'one all-zero source'
    },
    'Qcv': {
        'constant F', 'constant sources', 'all-zero sources', 'all zero',
        'all constant', 'one constant source'
    },
}
DEGENERATE_INF = {
    'PSNR': {'all zero', 'all constant'},
    'PSNR_VIFB': {'all zero', 'all constant'}
}


@pytest.fixture(scope='module')
def degenerate_values():
    """Every metric on 180x200 triples (large enough for all of them)."""
    a, b = smooth_image(1, 180, 200), smooth_image(2, 180, 200)
    f = ((a.int() + b.int()) // 2).to(torch.uint8)
    zero, flat = torch.zeros_like(a), torch.full_like(a, 100)
    patched = [t.clone() for t in (f, a, b)]
    for t in patched:
        t[:30, :30] = 0
    cases = {
        'flat patch': patched,
        'constant F': (flat, a, b),
        'all-zero F': (zero, a, b),
        'constant sources': (f, flat, flat),
        'all-zero sources': (f, zero, zero),
        'one constant source': (f, flat, b),
        'one all-zero source': (f, zero, b),
        'all zero': (zero, zero, zero),
        'all constant': (flat, flat, flat),
    }
    return {case: values(*t, ALL_METRIC_NAMES) for case, t in cases.items()}


@pytest.mark.parametrize('name', ALL_METRIC_NAMES)
def test_degenerate_inputs_give_a_number_or_a_documented_nan(
        name, degenerate_values):
    nan_cases = DEGENERATE_NAN.get(name, set())
    assert not nan_cases or name in NAN_CASES
    for case, v in degenerate_values.items():
        val = v[name]
        if case in nan_cases:
            assert math.isnan(val), (case, val)
        elif case in DEGENERATE_INF.get(name, ()):
            assert val == math.inf, (case, val)
        else:
            assert math.isfinite(val), (case, val)


def test_all_zero_fused_image_has_no_psnr(sources):
    """Issue 19/11: PSNR with peak max(F) = 0 is NaN, not -inf."""
    a, b = sources
    v = values(torch.zeros_like(a), a, b, ['PSNR', 'PSNR_VIFB'])
    assert math.isnan(v['PSNR'])
    assert math.isfinite(v['PSNR_VIFB'])


def test_qc_qy_undefined_windows_half_or_toolbox_nan(sources):
    """A black corner in all three images: Qc's and Qy's local weights are
    0/0 there; 'half' gives a number, 'nan' the toolbox's NaN."""
    a, b = (s.clone() for s in sources)
    f = ((a.int() + b.int()) // 2).to(torch.uint8)
    for img in (a, b, f):
        img[:20, :20] = 0
    half = values(f, a, b, ['Qc', 'Qy'])
    nan = values(f, a, b, ['Qc', 'Qy'], undefined_weight='nan')
    for k in ('Qc', 'Qy'):
        assert 0 < half[k] < 1 and math.isnan(nan[k]), k


def test_too_small_images_give_nan_not_errors():
    g = torch.Generator().manual_seed(0)
    f, a, b = (
        torch.randint(0, 256, (8, 8), generator=g, dtype=torch.uint8)
        for _ in range(3))
    v = values(f, a, b)
    for k in ('Q0', 'Qw', 'Qc', 'Qy'):
        assert math.isnan(v[k]), k
    assert math.isfinite(v['CE']) and math.isfinite(v['NMI'])


def test_nabf_counts_only_edges_stronger_than_both_sources(sources):
    """F = max-contrast source has no artifacts; added noise creates some,
    and Nabf grows with it (lower is better)."""
    a, b = sources
    assert values(a, a, b, ['Nabf'])['Nabf'] < 0.05
    g = torch.Generator().manual_seed(3)
    noise = torch.randint(-20, 21, a.shape, generator=g)
    f = ((a.int() + b.int()) // 2).to(torch.uint8)
    noisy = (f.int() + noise).clamp(0, 255).to(torch.uint8)
    assert values(noisy, a, b, ['Nabf'])['Nabf'] > \
        values(f, a, b, ['Nabf'])['Nabf'] + 0.01


def test_qg_is_one_only_for_a_perfect_edge_copy(sources):
    """Qg's sigmoids saturate below 1: F = A = B gives the product of the
    two sigmoids at G = A = 1, and any blur lowers it."""
    a, _ = sources
    top = 1 / (1 + math.exp(-5)) / (1 + math.exp(-5))
    assert values(a, a, a, ['Qg'])['Qg'] == pytest.approx(top, rel=1e-6)
    blurred = torch.from_numpy(cv2.blur(a.numpy(), (5, 5)))
    assert values(blurred, a, a, ['Qg'])['Qg'] < top - 0.05


def test_qp_rewards_keeping_the_sources_phase_structure(sources):
    """Qp is near 1 for F = A = B (not 1: the toolbox masks the sources'
    feature maps but not F's) and drops when F blurs the features away."""
    a, b = sources
    same = values(a, a, a, ['Qp'])['Qp']
    assert 0.95 < same <= 1.0
    f = ((a.int() + b.int()) // 2).to(torch.uint8)
    blurred = torch.from_numpy(cv2.GaussianBlur(f.numpy(), (9, 9), 3))
    assert values(blurred, a, b, ['Qp'])['Qp'] < values(f, a, b, ['Qp'])['Qp']


def test_fmi_is_one_for_a_copy_and_falls_with_noise(sources):
    """Every window of F = A = B is identical in source and F (score 1);
    noise added to F lowers all three feature variants."""
    a, b = sources
    names = ['FMI_pixel', 'FMI_dct', 'FMI_w']
    for k, v in values(a, a, a, names).items():
        assert v == pytest.approx(1.0, abs=1e-12), k
    f = ((a.int() + b.int()) // 2).to(torch.uint8)
    g = torch.Generator().manual_seed(5)
    noisy = (f.int() + torch.randint(-30, 31, f.shape, generator=g)).clamp(
        0, 255).to(torch.uint8)
    clean, worse = values(f, a, b, names), values(noisy, a, b, names)
    for k in names:
        assert 0 < worse[k] < clean[k] < 1, k


def test_mef_ssim_ignores_brightness_but_not_structure():
    """MEF-SSIM has no luminance term: F = A + 20 scores as A itself (1),
    while F = the mean of two unrelated sources scores lower."""
    a, b = smooth_image(4, 64, 64), smooth_image(5, 64, 64)
    v = values(a, a, a, ['MEF_SSIM'])['MEF_SSIM']
    brighter = (a.int() + 20).clamp(0, 255).to(torch.uint8)
    assert v == pytest.approx(1.0, abs=1e-9)
    assert values(brighter, a, a, ['MEF_SSIM'])['MEF_SSIM'] == \
        pytest.approx(1.0, abs=1e-3)
    f = ((a.int() + b.int()) // 2).to(torch.uint8)
    assert values(f, a, b, ['MEF_SSIM'])['MEF_SSIM'] < 0.95


def test_ms_ssim_is_wangs_product_over_five_scales():
    """F = A gives 1 against A; a blurred F loses mostly at the fine
    scales, so MS-SSIM stays above single-scale-like losses yet below 1;
    images under 176 px a side are NaN, as the toolbox's -Inf."""
    a = smooth_image(6, 180, 200)
    same = values(a, a, a, ['MS_SSIM'])['MS_SSIM']
    assert same == pytest.approx(2.0, abs=1e-9)  # sum over the sources
    blurred = torch.from_numpy(cv2.GaussianBlur(a.numpy(), (7, 7), 2))
    v = values(blurred, a, a, ['MS_SSIM'], pair_reduction='mean')
    assert 0.5 < v['MS_SSIM'] < 0.999
    small = smooth_image(8, 160, 200)
    assert math.isnan(values(small, small, small, ['MS_SSIM'])['MS_SSIM'])


def dense_window_fmi(p: np.ndarray, q: np.ndarray) -> float:
    """One window's FMI straight from the definition, float64: the 81-cell
    Nelsen mixture π = κ ΔΔC + (1-κ) q pᵀ, C the Fréchet bound of the sign
    of corr(p, q) on the unreversed CDFs."""
    k = np.arange(1, 10)
    big_p, big_q = np.cumsum(p), np.cumsum(q)
    pc, qc = p - p.mean(), q - q.mean()
    num = (pc * qc).sum()
    c = 0.0 if num == 0 else num / np.sqrt((pc * pc).sum() * (qc * qc).sum())
    sd = (
        np.sqrt((k * k * p).sum() - (k * p).sum()**2) *
        np.sqrt((k * k * q).sum() - (k * q).sum()**2))
    u, v = big_q[:, None], big_p[None, :]
    bound = np.minimum(u, v) if c >= 0 else np.maximum(u + v - 1, 0)
    kappa = 0.0 if c == 0 or sd == 0 else \
        c * sd / (bound.sum() - big_q.sum() * big_p.sum())
    mass = np.diff(np.pad(bound, ((1, 0), (1, 0))), axis=0)
    mass = np.diff(mass, axis=1)
    joint = kappa * mass + (1 - kappa) * np.outer(q, p)

    def h(x):
        x = x[x != 0]
        return -(x * np.log2(np.abs(x))).sum()

    mi = h(p) + h(q) - h(joint.ravel())
    return 0.0 if mi == 0 else 2 * mi / (h(p) + h(q))


def test_fmi_window_score_is_the_dense_nelsen_mixture():
    """The merged-CDF score (bound mass on the ≤ 18 segments, closed-form
    independent part) equals the 81-cell definition, window by window,
    with many ties (5 grey levels) and both correlation signs."""
    from segfanet_mm.evaluation.functional import feature_mi
    g = torch.Generator().manual_seed(3)
    win = torch.randint(0, 5, (3, 9, 4000), generator=g).float()
    fus = feature_mi._window_stats(win[:1])
    src = feature_mi._window_stats(win[1:])
    ours = feature_mi._pair_fmi(src, fus)
    keep = ~(src.flat | fus.flat)
    p_all, q_all = src.pdf.double().numpy(), fus.pdf.double().numpy()[0]
    signs = set()
    for n in range(2):
        for j in torch.nonzero(keep[n])[:, 0].tolist()[:800]:
            p, q = p_all[n, :, j], q_all[:, j]
            signs.add(np.sign(np.corrcoef(p, q)[0, 1]))
            assert float(ours[n, j]) == pytest.approx(
                dense_window_fmi(p, q), abs=1e-5), (n, j)
    assert {-1.0, 1.0} <= signs


@pytest.mark.parametrize('feature', ['none', 'wavelet'])
def test_fmi_compiled_windows_equal_the_vectorised_ones(feature):
    """The compiled CPU path and the vectorised path (other devices) score
    the same windows alike: few grey levels (ties, flat windows), a region
    of F copied from A (identical windows) and one flat in B."""
    from segfanet_mm.evaluation.functional import feature_mi
    from segfanet_mm.evaluation.functional._fmi_compiled import fmi_window_sum
    g = torch.Generator().manual_seed(11)
    f, a, b = (
        torch.randint(0, 6, (37, 45), generator=g).double() for _ in range(3))
    f[5:20, 8:30] = a[5:20, 8:30]
    b[20:, :12] = 3
    maps = feature_mi._features(torch.stack([f, a, b])[None], feature)[0]
    compiled = fmi_window_sum(*maps.numpy())
    vectorised = float(feature_mi._window_sum_vectorised(maps))
    # the compiled path takes its logarithms in float32
    assert compiled == pytest.approx(vectorised, rel=1e-6)
    windows = (maps.shape[-2] - 2) * (maps.shape[-1] - 2)
    assert 0 < compiled < 2 * windows


def test_phase_congruency_compiled_orientation_equals_pytorch():
    """One orientation's terms added by the compiled CPU passes equal
    those of the PyTorch operations the other devices run (float32
    responses): energy, Σ A and the covariance products of PC_o, including
    a pixel with no response (0/0 = NaN)."""
    import functools
    import importlib
    pc = importlib.import_module(
        'segfanet_mm.evaluation.functional.phase_congruency')
    g = torch.Generator().manual_seed(2)
    e = torch.randn(1, 4, 24, 30, generator=g)
    od = torch.randn(1, 4, 24, 30, generator=g)
    e[..., 3, 4] = od[..., 3, 4] = 0
    threshold = functools.partial(
        pc._noise_threshold,
        em_n=torch.tensor(3.0),
        sum_an2=torch.tensor(2.0),
        sum_aiaj=torch.tensor(0.5))
    sums = [
        torch.zeros(5, 1, 24, 30, dtype=t)
        for t in (torch.float32, torch.float64)
    ]
    for o in (1, 4):
        pc._add_orientation(e, od, threshold, o, sums[0])
        pc._add_orientation_compiled(e, od, threshold, o, sums[1])
    assert torch.isnan(sums[1][2:, 0, 3, 4]).all()
    torch.testing.assert_close(
        sums[1], sums[0].double(), rtol=1e-5, atol=1e-6, equal_nan=True)


def test_mef_ssim_compiled_arithmetic_equals_pytorch():
    """One MEF-SSIM scale on CPU (compiled passes around PyTorch's tangent
    and powers) equals the all-PyTorch quality map of the other devices,
    bit for bit, on 8-bit images with flat patches in one or both
    sources."""
    import importlib
    ms = importlib.import_module(
        'segfanet_mm.evaluation.functional.multiscale_ssim')
    g = torch.Generator().manual_seed(4)
    x, f = (
        torch.randint(0, 256, (2, c, 40, 50), generator=g).double()
        for c in (2, 1))
    x[0, 0, :20, :20] = 7.0
    x[1, :, 10:30, 5:25] = 200.0
    c = (0.03 * 255)**2
    box = ms.filtered_products(x, ((0, 0), (1, 1), (0, 1)),
                               torch.ones(ms.WINDOW, dtype=torch.float64))
    m = ms.filtered_products(
        torch.cat([x, f], 1), ((0, 0), (1, 1), (0, 1), (2, 2), (0, 2), (1, 2)),
        ms._gaussian(ms.WINDOW, 1.5, 'cpu'))
    expected = ms._mef_ssim_quality(box, m, c).mean((1, 2, 3))
    assert torch.equal(ms._mef_ssim_scale(x, f, c), expected)


def test_qcb_compiled_arithmetic_equals_pytorch():
    """Qcb's per-pixel quality on CPU (one compiled pass) equals the
    PyTorch map of the other devices, bit for bit, with NaN where a pixel
    has no contrast in a source and F (0/0) and where a filtered image is
    0/0."""
    import importlib
    hvs = importlib.import_module('segfanet_mm.evaluation.functional.hvs')
    from segfanet_mm.evaluation.functional._hvs_compiled import \
        chen_blum_quality
    g = torch.Generator().manual_seed(7)
    fine, coarse = (
        torch.rand(3, 20, 30, generator=g, dtype=torch.float64)
        for _ in range(2))
    fine[[0, 2], 2, 3] = coarse[[0, 2], 2, 3]  # C_A = C_F = 0
    fine[1, 5, 5] = coarse[1, 5, 5] = 0.0  # 0/0
    expected = hvs._chen_blum_quality(fine[None], coarse[None])[0, 0]
    got = torch.empty_like(expected)
    chen_blum_quality(fine.numpy(), coarse.numpy(), got.numpy())
    assert torch.isnan(expected[2, 3]) and torch.isnan(expected[5, 5])
    torch.testing.assert_close(got, expected, rtol=0, atol=0, equal_nan=True)


def test_qp_compiled_masked_correlation_equals_convolutions():
    """Qp's per-feature score from the compiled CPU pass equals the one of
    the convolutions the other devices run, with masks on and off, windows
    at the borders, and a NaN feature of F under a mask."""
    import importlib
    pc = importlib.import_module(
        'segfanet_mm.evaluation.functional.phase_congruency')
    g = torch.Generator().manual_seed(3)
    feat = torch.rand(2, 4, 21, 33, generator=g)
    masks = torch.rand(2, 3, 21, 33, generator=g) > 0.4
    src = torch.where(masks, feat[:, :3], 0.0)
    k = pc._gaussian(11, 1.5, 'cpu').float()
    expected = pc._masked_correlation_conv(src, masks, feat[:, 3:], k)
    compiled = pc._masked_correlation(src, masks, feat[:, 3:])
    assert compiled.dtype == torch.float64
    torch.testing.assert_close(compiled, expected, rtol=1e-6, atol=0)
    feat[1, 3, 10, 10] = math.nan
    masks[1, :, 10, 10] = True
    nan_sum = pc._masked_correlation(src, masks, feat[:, 3:])
    assert torch.isnan(nan_sum[1]) and nan_sum[0] == compiled[0]
    assert torch.isnan(
        pc._masked_correlation_conv(src, masks, feat[:, 3:], k)[1])


@pytest.mark.parametrize('n', [1, 8, 9, 1000])
def test_median_of_radix_histogram_equals_kthvalue(n):
    """MATLAB's median (the mean of the two middle values for even counts),
    on CPU from a compiled radix histogram, elsewhere from torch.kthvalue;
    with repeated middle values, negative values and a spread of scales."""
    import importlib
    pc = importlib.import_module(
        'segfanet_mm.evaluation.functional.phase_congruency')
    g = torch.Generator().manual_seed(n)
    x = torch.randint(-2, 3, (3, n), generator=g).double()
    x[1] = x[1] * 10.0**torch.randint(-5, 6, (n, ), generator=g)
    expected = torch.from_numpy(np.median(x.numpy(), -1))
    assert torch.equal(pc._median(x), expected)
    assert torch.equal(pc._median_kthvalue(x), expected)
