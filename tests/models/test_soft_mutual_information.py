"""soft_mutual_information: a differentiable MI that ranks like the metric."""
import torch

from segfanet_mm.evaluation.functional.entropy import mutual_information
from segfanet_mm.models import soft_mutual_information


def test_independent_images_share_almost_nothing():
    torch.manual_seed(0)
    x, y = torch.rand(2, 1, 64, 64), torch.rand(2, 1, 64, 64)
    own = soft_mutual_information(x, x)
    assert own.shape == (2, )
    assert (soft_mutual_information(x, y) < 0.05 * own).all()


def test_invariant_to_an_invertible_grey_level_map():
    torch.manual_seed(0)
    x = torch.rand(1, 1, 64, 64)
    own = soft_mutual_information(x, x, num_samples=64 * 64)
    inverted = soft_mutual_information(1 - x, x, num_samples=64 * 64)
    assert torch.allclose(own, inverted, rtol=0.02)


def test_decreases_with_noise_like_the_metric():
    torch.manual_seed(0)
    x = torch.rand(1, 1, 96, 96)
    soft, hard = [], []
    for sigma in (0.0, 0.05, 0.1, 0.2):
        y = (x + sigma * torch.randn_like(x)).clamp(0, 1)
        soft.append(soft_mutual_information(y, x, num_samples=96 * 96).item())
        hard.append(
            mutual_information((y * 255).round(), (x * 255).round()).item())
    assert soft == sorted(soft, reverse=True)
    assert hard == sorted(hard, reverse=True)


def test_gradient_is_finite_with_empty_bins():
    x = torch.rand(2, 1, 40, 40)
    x[..., :20, :] = 0  # half the image in one bin, most bins empty
    fused = x.clone().requires_grad_()
    soft_mutual_information(fused, x).sum().backward()
    assert torch.isfinite(fused.grad).all()
    assert fused.grad.abs().sum() > 0
