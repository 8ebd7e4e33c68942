"""CrossModalInteraction: shapes and that it really exchanges information."""
import torch

from segfanet_mm.models import CrossModalInteraction


def test_exchange_shapes_and_cross_talk():
    block = CrossModalInteraction(8, reduction=4, spatial_kernel=7)
    ir, vis = torch.rand(2, 8, 15, 21), torch.rand(2, 8, 15, 21)
    ir_out, vis_out = block(ir, vis)
    assert ir_out.shape == vis_out.shape == ir.shape
    # each output depends on the other modality
    ir_out2, vis_out2 = block(ir, vis + 1)
    assert (ir_out2 - ir_out).abs().max() > 0
    _, vis_out3 = block(ir + 1, vis)
    assert (vis_out3 - vis_out).abs().max() > 0


def test_residual_keeps_own_features():
    """With the other stream silent, a stream passes through unchanged."""
    block = CrossModalInteraction(4)
    ir = torch.rand(1, 4, 9, 9)
    ir_out, _ = block(ir, torch.zeros_like(ir))
    assert torch.allclose(ir_out, ir)
