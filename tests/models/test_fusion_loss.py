"""FusionLoss: zero at its optimum, positive otherwise, named terms."""
import cv2
import numpy as np
import pytest
import torch
from kornia.filters import spatial_gradient

from segfanet_mm.models import (FusionLoss, sobel_magnitude, stronger_gradient,
                                two_scale_target)

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


def test_two_scale_target_matches_opencv_reference():
    rng = np.random.default_rng(0)
    ir, vis = (rng.random((40, 52), dtype=np.float32) * 0.5 for _ in range(2))

    def blur(x):  # OpenCV's default border is reflect-101, kornia's 'reflect'
        return cv2.GaussianBlur(x, (13, 13), 2.0)

    expected = np.clip(
        np.maximum(blur(ir), blur(vis)) + ir - blur(ir) + vis - blur(vis), 0,
        1)
    target = two_scale_target(
        torch.from_numpy(ir)[None, None],
        torch.from_numpy(vis)[None, None], 2.0)
    np.testing.assert_allclose(target[0, 0].numpy(), expected, atol=1e-6)


def test_two_scale_target_keeps_the_darker_sources_texture():
    # A warm, flat IR background over a dark visible image with texture:
    # max(IR, Y) is flat and loses the texture; the two-scale target keeps it
    # on the IR base.
    ir = torch.full((1, 1, 32, 32), 0.8)
    texture = 0.05 * torch.sign(torch.randn(1, 1, 32, 32))
    vis = 0.2 + texture
    assert torch.maximum(ir, vis).unique().numel() == 1
    target = two_scale_target(ir, vis, 2.0)
    base = two_scale_target(ir, torch.full_like(vis, 0.2), 2.0)
    assert torch.allclose(base, ir)
    correlation = torch.corrcoef(
        torch.stack([(target - base).flatten(),
                     texture.flatten()]))[0, 1]
    assert correlation > 0.9


def test_detail_sigma_selects_the_intensity_target():
    ir, vis, fused = (torch.rand(1, 1, 24, 24) for _ in range(3))
    loss = FusionLoss(w_grad=0, w_ssim=0, detail_sigma=1.5)(fused, ir, vis)
    expected = (fused - two_scale_target(ir, vis, 1.5)).abs().mean()
    assert torch.isclose(loss['loss_fus_int'], expected)
    with pytest.raises(ValueError, match='detail_sigma'):
        FusionLoss(detail_sigma=-1)


def test_mutual_information_term_prefers_grey_levels_tied_to_the_sources():
    # The mean of the sources is a function of both; the same image with its
    # pixels shuffled has the same histogram but shares nothing with them.
    torch.manual_seed(0)
    ir, vis = torch.rand(1, 1, 48, 48), torch.rand(1, 1, 48, 48)
    mean = (ir + vis) / 2
    shuffled = mean.flatten()[torch.randperm(mean.numel())].view_as(mean)
    loss = FusionLoss(w_int=0, w_grad=0, w_ssim=0, w_mi=2.0)
    assert set(loss(mean, ir, vis)) == {'loss_fus_mi'}
    tied, untied = (
        loss(f, ir, vis)['loss_fus_mi'].item() for f in (mean, shuffled))
    assert 0 < tied < untied <= 2.0 * 1.05
    assert 'loss_fus_mi' not in FusionLoss()(mean, ir, vis)


def test_stronger_gradient_takes_each_pixels_stronger_source():
    ir = torch.zeros(1, 1, 16, 16)
    vis = torch.zeros(1, 1, 16, 16)
    ir[..., :, 8:] = 1.0  # strong vertical edge
    vis[..., 8:, :] = 0.3  # weak horizontal edge
    grad = stronger_gradient(ir, vis)
    assert grad.shape == (1, 1, 2, 16, 16)
    ir_grad = spatial_gradient(ir, mode='sobel', normalized=False)
    vis_grad = spatial_gradient(vis, mode='sobel', normalized=False)
    assert torch.equal(grad[..., 2, 7], ir_grad[..., 2, 7])  # IR edge only
    assert torch.equal(grad[..., 7, 2], vis_grad[..., 7, 2])  # visible only


def test_signed_gradient_rejects_a_flipped_edge():
    # An edge of the right strength but opposite polarity satisfies the
    # magnitude form and not the signed one.
    ir = torch.zeros(1, 1, 16, 16)
    ir[..., :, 8:] = 1.0
    vis = torch.zeros_like(ir)
    flipped = 1.0 - ir
    magnitude = FusionLoss(w_int=0, w_ssim=0)
    signed = FusionLoss(w_int=0, w_ssim=0, signed_gradient=True)
    assert magnitude(flipped, ir, vis)['loss_fus_grad'].item() == 0
    assert signed(flipped, ir, vis)['loss_fus_grad'].item() > 0
    assert signed(ir.clone(), ir, vis)['loss_fus_grad'].item() == 0
