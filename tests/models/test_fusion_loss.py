"""FusionLoss: zero at its optimum, positive otherwise, named terms."""
import torch

from segfanet_mm.models import FusionLoss, sobel_magnitude

KEYS = {'loss_fus_int', 'loss_fus_grad', 'loss_fus_ssim'}


def test_zero_when_output_equals_target():
    # With IR == visible Y, the intensity and gradient targets are the image
    # itself and both SSIM terms are 1, so every term is 0 at Y_f = image.
    img = torch.rand(2, 1, 40, 52)
    losses = FusionLoss()(img.clone(), img, img.clone())
    assert set(losses) == KEYS
    for value in losses.values():
        assert abs(value.item()) < 1e-5


def test_positive_otherwise_and_differentiable():
    ir, vis = torch.rand(2, 1, 40, 52), torch.rand(2, 1, 40, 52)
    fused = torch.full_like(ir, 0.5, requires_grad=True)
    losses = FusionLoss()(fused, ir, vis)
    assert all(v.item() > 0 for v in losses.values())
    sum(losses.values()).backward()
    assert fused.grad.abs().sum() > 0


def test_max_intensity_target():
    ir = torch.zeros(1, 1, 16, 16)
    vis = torch.zeros(1, 1, 16, 16)
    ir[..., :8, :] = 1.0  # bright target, half image
    fused = torch.maximum(ir, vis)
    loss = FusionLoss(w_grad=0, w_ssim=0)(fused, ir, vis)
    assert set(loss) == {'loss_fus_int'}
    assert loss['loss_fus_int'].item() == 0


def test_weights_scale_terms():
    ir, vis, fused = (torch.rand(1, 1, 24, 24) for _ in range(3))
    one = FusionLoss(1, 1, 1)(fused, ir, vis)
    scaled = FusionLoss(2, 3, 4)(fused, ir, vis)
    assert torch.isclose(scaled['loss_fus_int'], 2 * one['loss_fus_int'])
    assert torch.isclose(scaled['loss_fus_grad'], 3 * one['loss_fus_grad'])
    assert torch.isclose(scaled['loss_fus_ssim'], 4 * one['loss_fus_ssim'])


def test_sobel_magnitude_of_a_step():
    img = torch.zeros(1, 1, 5, 6)
    img[..., 3:] = 1.0
    mag = sobel_magnitude(img)
    assert mag.shape == img.shape
    assert torch.allclose(mag[0, 0, 2, 2], torch.tensor(4.0))  # |Gx| = 4
    assert mag[0, 0, 2, 0] == 0
