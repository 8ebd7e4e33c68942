"""soft_qabf: the Qabf metric, differentiable, and ascending it raises Qabf."""
import cv2
import numpy as np
import torch

from segfanet_mm.evaluation.functional import qabf
from segfanet_mm.models import FusionLoss, soft_qabf


def _scene(seed: int, size: int = 64) -> torch.Tensor:
    """A (1, 1, size, size) grey image in [0, 255] with edges at every
    orientation: blurred noise plus a bright disc."""
    rng = np.random.default_rng(seed)
    img = cv2.GaussianBlur(rng.uniform(0, 255, (size, size)), (0, 0), 2)
    cv2.circle(img, (size // 2 + seed, size // 2), size // 4, 230, -1)
    return torch.from_numpy(img.round()).float()[None, None]


def test_matches_the_metric():
    ir, vis = _scene(1), _scene(2)
    for fused in (torch.maximum(ir, vis), (ir + vis) / 2, _scene(3)):
        assert torch.allclose(
            soft_qabf(fused, ir, vis).double(),
            qabf(fused, ir, vis),
            atol=5e-3)


def test_scale_free():
    ir, vis = _scene(1), _scene(2)
    fused = (ir + vis) / 2
    assert torch.allclose(
        soft_qabf(fused / 255, ir / 255, vis / 255),
        soft_qabf(fused, ir, vis),
        atol=1e-4)


def test_gradient_ascent_raises_the_metric():
    ir, vis = _scene(1) / 255, _scene(2) / 255
    fused = ((ir + vis) / 2).requires_grad_()
    before = qabf(fused.detach() * 255, ir * 255, vis * 255).item()
    optimiser = torch.optim.Adam([fused], lr=0.01)
    for _ in range(30):
        optimiser.zero_grad()
        (1 - soft_qabf(fused, ir, vis)).sum().backward()
        assert torch.isfinite(fused.grad).all()
        optimiser.step()
    after = qabf(fused.detach() * 255, ir * 255, vis * 255).item()
    assert after > before + 0.05


def test_fusion_loss_term():
    ir, vis = _scene(1) / 255, _scene(2) / 255
    fused = (ir + vis) / 2
    losses = FusionLoss(w_qabf=2.0)(fused, ir, vis)
    expected = 2.0 * (1 - soft_qabf(fused, ir, vis).mean())
    assert torch.allclose(losses['loss_fus_qabf'], expected)
    assert 'loss_fus_qabf' not in FusionLoss()(fused, ir, vis)
