"""The private window-filter helpers behind SSIM and VIF agree with their
plain definitions (depthwise convolution, SciPy-style local means, logs)."""
import importlib
import math

import pytest
import torch

# the package re-exports functions named like these modules
_PKG = 'segfanet_mm.evaluation.functional'
_filters = importlib.import_module(f'{_PKG}._filters')
ssim = importlib.import_module(f'{_PKG}.ssim')
vif = importlib.import_module(f'{_PKG}.vif')


def test_band_matrix_applies_valid_filter():
    k = torch.tensor([1.0, 2.0, 3.0])
    t = _filters.band_matrix(k, 6)
    assert t.shape == (6, 4)
    x = torch.arange(6, dtype=torch.float32)
    assert torch.equal(x @ t, torch.tensor([8.0, 14.0, 20.0, 26.0]))
    assert torch.equal(_filters.band_matrix(k, 6, transposed=True), t.T)


@pytest.mark.parametrize('n', [17, 9, 5, 3])
@pytest.mark.parametrize('shape', [(2, 8, 64, 64), (1, 3, 23, 40)])
def test_band_filter_equals_depthwise_conv(n, shape):
    g = torch.Generator().manual_seed(n)
    x = torch.randint(-128, 128, shape, generator=g).float()
    x = torch.cat([x, x * x], dim=1)  # magnitudes of the moment maps
    win = vif.gaussian_window_1d(n)
    ref = _filters.separable_filter(x, win)
    out = _filters.band_filter(x, win)
    assert out.shape == ref.shape
    # float32 sums in another order: a few ulp of the largest term
    tol = 1e-6 * x.abs().amax().item()
    assert (out - ref).abs().max().item() <= tol


def test_band_filter_box_sums_are_exact():
    g = torch.Generator().manual_seed(0)
    x = torch.randint(0, 256, (1, 4, 31, 50), generator=g).float()**2
    ones = torch.ones(7)
    assert torch.equal(
        _filters.band_filter(x, ones), _filters.separable_filter(x, ones))


def test_uniform_mean_rounds_like_scipy():
    ndimage = pytest.importorskip('scipy.ndimage')
    g = torch.Generator().manual_seed(1)
    x = torch.randint(0, 256, (2, 3, 30, 41), generator=g).float()
    x[:, 1] = x[:, 1]**2
    out = ssim.uniform_mean(x, 7)
    for b in range(2):
        for c in range(3):
            ref = ndimage.uniform_filter(x[b, c].numpy(), 7)[3:-3, 3:-3]
            assert torch.equal(out[b, c], torch.from_numpy(ref))


def test_log_sum_equals_sum_of_logs():
    g = torch.Generator().manual_seed(2)
    f = 1 + torch.rand(3, 2, 5, 12, generator=g)**4 * 8000
    f[0, 0, 0, :4] = 1.0
    got = vif._log_sum(f, (0, 2, 3))
    ref = torch.log(f.double()).sum((0, 2, 3))
    assert torch.allclose(got, ref, rtol=1e-7, atol=0)
    # overflow is capped, never inf
    huge = torch.full((1, 4), 3e38)
    assert math.isfinite(vif._log_sum(huge, (1, )).item())


@pytest.mark.parametrize('size', [3, 7, 11])
def test_window_max_equals_max_pooling(size):
    g = torch.Generator().manual_seed(3)
    x = torch.randint(0, 256, (2, 3, 23, 30), generator=g).double()
    ref = torch.nn.functional.max_pool2d(x, size, 1)
    assert torch.equal(_filters.window_max(x, size), ref)


@pytest.mark.parametrize('n', [1, 7, 31])
def test_shifted_filter_compiled_equals_shifted_slices(n):
    """The compiled CPU filter adds the same products in the same order as
    the shifted-slice sums the other devices use: equal to the last bit."""
    g = torch.Generator().manual_seed(n)
    x = torch.rand(2, 3, 40, 57, generator=g, dtype=torch.float64) * 255
    k = torch.rand(n, generator=g, dtype=torch.float64)
    compiled = _filters.shifted_filter(x, k)
    assert compiled.shape == (2, 3, 41 - n, 58 - n)
    assert torch.equal(compiled, _filters._shifted_sums(x, k))


def test_wavelet_analysis_compiled_equals_window_products():
    """dwt2's analysis step along a row (symmetric extension, 'valid'
    correlation with the dmey pair, every second output from the second),
    compiled on CPU, equals the products of the unfolded windows."""
    tr = importlib.import_module(f'{_PKG}.transforms')
    g = torch.Generator().manual_seed(4)
    x = torch.rand(2, 5, 37, generator=g, dtype=torch.float64)
    lo, hi = tr._dmey_filters('cpu', torch.float64)
    y = x[..., tr._symmetric_index(37, lo.numel() - 1, x.device)]
    win = y.unfold(-1, lo.numel(), 1)[..., 1::2, :]
    low, high = tr._analysis_last(x, lo, hi)
    assert low.shape == high.shape == (2, 5, (37 + lo.numel() - 1) // 2)
    torch.testing.assert_close(low, win @ lo, rtol=1e-13, atol=1e-13)
    torch.testing.assert_close(high, win @ hi, rtol=1e-13, atol=1e-13)


def test_filtered_products_compiled_equal_filtering_the_products():
    """Maps and products of them filtered at once: on CPU the products are
    formed as the rows are read (compiled); equal, bit for bit, to
    filtering the concatenated product maps (the other devices)."""
    g = torch.Generator().manual_seed(5)
    maps = torch.rand(2, 3, 25, 31, generator=g, dtype=torch.float64) * 255
    k = torch.rand(5, generator=g, dtype=torch.float64)
    pairs = ((0, 0), (2, 1), (0, 2))
    expected = _filters._shifted_sums(
        torch.cat([maps] +
                  [maps[:, a:a + 1] * maps[:, b:b + 1] for a, b in pairs], 1),
        k)
    got = _filters.filtered_products(maps, pairs, k)
    assert got.shape == (2, 6, 21, 27)
    assert torch.equal(got, expected)


def test_local_statistics_compiled_equal_shifted_sums():
    """SSIM-type statistics on CPU: the compiled pass (products formed as
    rows are read, flat windows told by the window extremes) equals the
    shifted-slice sums of the other devices bit for bit, with flat windows
    of x, of y and of both (variances and covariance exactly 0)."""
    st = importlib.import_module(f'{_PKG}.structural')
    g = torch.Generator().manual_seed(6)
    x, y = (
        torch.rand(2, 3, 30, 41, generator=g, dtype=torch.float64) * 255
        for _ in range(2))
    x[0, 1, 2:12, 3:13] = 17.0
    y[1, 2, 15:25, 20:30] = 3.5
    x[1, 0, 0:9, 0:9] = y[1, 0, 0:9, 0:9] = 8.0
    k = torch.rand(7, generator=g, dtype=torch.float64)
    expected = st._local_stats_shifted(x, y, k)
    fc = importlib.import_module(f'{_PKG}._filter_compiled')
    got = fc.local_statistics(x.numpy(), y.numpy(), k.numpy())
    for a, b in zip(got, expected):
        assert torch.equal(torch.from_numpy(a), b)
    var_x, var_y, cov = expected[2:]
    assert var_x[0, 1, 2, 3] == 0 and cov[0, 1, 2, 3] == 0
    assert var_y[1, 2, 15, 20] == 0 and var_x[1, 2, 15, 20] != 0
    assert var_x[1, 0, 1, 1] == var_y[1, 0, 1, 1] == cov[1, 0, 1, 1] == 0


def test_ssim_map_compiled_equals_the_formula():
    """SSIM's quotient on CPU (one compiled pass) equals the PyTorch
    expression bit for bit, including 0/0 = NaN."""
    st = importlib.import_module(f'{_PKG}.structural')
    g = torch.Generator().manual_seed(9)
    stats = [
        torch.rand(2, 2, 13, 17, generator=g, dtype=torch.float64) * 255
        for _ in range(5)
    ]
    stats[0][0, 0, 0, 0] = stats[1][0, 0, 0, 0] = 0.0
    stats[2][0, 0, 0, 0] = stats[3][0, 0, 0, 0] = stats[4][0, 0, 0, 0] = 0
    mu_x, mu_y, var_x, var_y, cov = stats
    c1, c2 = 6.5, 58.5
    expected = ((2 * mu_x * mu_y + c1) *
                (2 * cov + c2)) / ((mu_x * mu_x + mu_y * mu_y + c1) *
                                   (var_x + var_y + c2))
    got = st.ssim_map(stats, c1, c2)
    assert torch.equal(got, expected)
    assert not torch.isnan(got).any()
    assert torch.isnan(st.ssim_map(stats, 0.0, 0.0)[0, 0, 0, 0])


def test_dct2_is_the_orthonormal_dct_on_every_path():
    """MATLAB's dct2 (orthonormal DCT-II): SciPy's dctn on CPU and the FFT
    form the other devices use both equal C X Cᵀ with the DCT matrix."""
    tr = importlib.import_module(f'{_PKG}.transforms')
    g = torch.Generator().manual_seed(8)
    x = torch.rand(2, 7, 10, generator=g, dtype=torch.float64)

    def dct_matrix(n):
        k = torch.arange(n, dtype=torch.float64)[:, None]
        c = torch.cos(math.pi * (2 * k.T + 1) * k / (2 * n))
        c *= math.sqrt(2.0 / n)
        c[0] /= math.sqrt(2.0)
        return c

    expected = dct_matrix(7) @ x @ dct_matrix(10).T
    fft_form = tr._dct_last(tr._dct_last(x).transpose(-1,
                                                      -2)).transpose(-1, -2)
    torch.testing.assert_close(tr.dct2(x), expected, rtol=0, atol=1e-13)
    torch.testing.assert_close(fft_form, expected, rtol=0, atol=1e-13)


@pytest.mark.parametrize('dtype,tol', [(torch.float64, 1e-12),
                                       (torch.float32, 1e-4)])
def test_pocketfft_transforms_equal_torch_fft(dtype, tol):
    """The CPU FFTs (SciPy's pocketfft) give torch.fft's spectra and
    inverses, on an odd width."""
    fft = importlib.import_module(f'{_PKG}._fft')
    x = torch.rand(
        2, 3, 12, 15, dtype=dtype, generator=torch.Generator().manual_seed(9))
    spectrum = fft.rfft2(x)
    torch.testing.assert_close(
        spectrum, torch.fft.rfft2(x), rtol=tol, atol=tol)
    torch.testing.assert_close(
        fft.irfft2(spectrum, s=(12, 15)),
        torch.fft.irfft2(spectrum, s=(12, 15)),
        rtol=tol,
        atol=tol)
    torch.testing.assert_close(
        fft.irfft2(spectrum, s=(12, 15)), x, rtol=tol, atol=tol)
