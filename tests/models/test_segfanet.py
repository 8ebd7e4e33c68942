"""SegFANet segmentor: losses per batch type, predict fields, inference."""
import copy

import torch
from mmengine.config import Config
from mmengine.structures import PixelData
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

from segfanet_mm.models import SegFANet
from segfanet_mm.models.segmentors.segfanet import _Outputs

CONFIG = 'configs/segfanet/segfanet-s_1xb4-400i_demo-128x128.py'
NOALIGN_CONFIG = (
    'configs/segfanet/segfanet-s-noalign_1xb4-400i_demo-128x128.py')
FUSION_ONLY_CONFIG = (
    'configs/segfanet/segfanet-s-fusiononly_1xb4-400i_demo-128x128.py')
FUSION_KEYS = {'loss_fus_int', 'loss_fus_grad', 'loss_fus_ssim'}
SEG_KEYS = {'decode.loss_ce', 'decode.acc_seg'}


def model_cfg(path=CONFIG, **overrides):
    cfg = Config.fromfile(path)
    cfg.merge_from_dict(dict(model=overrides))
    return cfg.model


def build(path=CONFIG, **overrides) -> SegFANet:
    torch.manual_seed(0)
    return MODELS.build(model_cfg(path, **overrides))


def samples(batch, h, w, labelled=True, num_classes=3):
    out = []
    flags = labelled if isinstance(labelled, list) else [labelled] * batch
    for flag in flags:
        s = SegDataSample(
            metainfo=dict(
                img_shape=(h, w), ori_shape=(h, w), pad_shape=(h, w)))
        if flag:
            s.gt_sem_seg = PixelData(
                data=torch.randint(0, num_classes, (1, h, w)))
        out.append(s)
    return out


def test_loss_keys_labelled_unlabelled_mixed():
    model = build()
    x = torch.rand(4, 4, 48, 64)
    labelled = model.loss(x, samples(4, 48, 64, True))
    assert set(labelled) == FUSION_KEYS | SEG_KEYS | {'loss_align'}
    unlabelled = model.loss(x, samples(4, 48, 64, False))
    assert set(unlabelled) == FUSION_KEYS | {'loss_align'}
    mixed = model.loss(x, samples(4, 48, 64, [True, False, False, True]))
    assert set(mixed) == set(labelled)


def test_mixed_batch_uses_only_labelled_samples():
    model = build().eval()  # fixed BN statistics: samples independent
    x = torch.rand(3, 4, 32, 48)
    data = samples(3, 32, 48, [False, True, False])
    mixed = model.loss(x, data)
    alone = model.loss(x[1:2], data[1:2])
    assert torch.allclose(mixed['decode.loss_ce'], alone['decode.loss_ce'])


def test_gradients_reach_both_streams_and_heads():
    model = build()
    losses = model.loss(torch.rand(2, 4, 32, 32), samples(2, 32, 32))
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    for module in (model.backbone.ir_stream, model.backbone.vis_stream,
                   model.decode_head, model.fusion_head):
        assert sum(p.grad.abs().sum() for p in module.parameters()
                   if p.grad is not None) > 0


def test_alignment_does_not_reach_segmentation_branch():
    model = build()
    losses = model.loss(torch.rand(2, 4, 32, 32), samples(2, 32, 32, False))
    losses['loss_align'].backward()
    assert all(p.grad is None or p.grad.abs().sum() == 0
               for p in model.decode_head.parameters())
    assert sum(p.grad.abs().sum() for p in model.fusion_head.parameters()
               if p.grad is not None) > 0


def test_seg_loss_weight_scales_and_zero_skips(monkeypatch):
    x, data = torch.rand(2, 4, 32, 32), samples(2, 32, 32)
    full = build().eval().loss(x, data)
    half = build(seg_loss_weight=0.5).eval().loss(x, data)
    assert torch.allclose(half['decode.loss_ce'], full['decode.loss_ce'] / 2)
    assert torch.allclose(half['decode.acc_seg'], full['decode.acc_seg'])

    fusion_only = build(FUSION_ONLY_CONFIG)
    assert fusion_only.align_loss is None

    def fail(*args, **kwargs):
        raise AssertionError('decode head run needlessly')

    monkeypatch.setattr(fusion_only.decode_head, 'forward_with_feature', fail)
    assert set(fusion_only.loss(x, data)) == FUSION_KEYS


def test_noalign_config_builds_no_alignment():
    model = build(NOALIGN_CONFIG)
    assert model.align_loss is None
    losses = model.loss(torch.rand(2, 4, 32, 32), samples(2, 32, 32))
    assert set(losses) == FUSION_KEYS | SEG_KEYS


def test_other_decode_head_works():
    """Any mmseg decode head: S falls back to the softmaxed logits."""
    model = build(
        decode_head=dict(
            _delete_=True,
            type='FCNHead',
            in_channels=64,
            in_index=3,
            channels=16,
            num_convs=1,
            concat_input=False,
            num_classes=3))
    assert model.fusion_head.injections[0].embed[0].in_channels == 3
    losses = model.loss(torch.rand(2, 4, 40, 56), samples(2, 40, 56))
    assert set(losses) == FUSION_KEYS | SEG_KEYS | {'loss_align'}
    out = model.eval().predict(torch.rand(1, 4, 40, 56), samples(1, 40, 56))
    assert out[0].pred_fused.shape == (40, 56)


def test_predict_fields_restore_to_ori_shape():
    model = build().eval()
    x = torch.rand(2, 4, 333, 517)
    data = []
    for flip in (False, True):
        s = SegDataSample(
            metainfo=dict(
                img_shape=(320, 500),
                pad_shape=(333, 517),
                ori_shape=(160, 250),
                padding_size=[0, 17, 0, 13],
                flip=flip,
                flip_direction='horizontal'))
        data.append(s)
    x[1] = x[0]
    with torch.no_grad():
        out = model.predict(x, data)
    for s in out:
        assert s.pred_sem_seg.shape == (160, 250)
        assert s.seg_logits.data.shape == (3, 160, 250)
        assert s.pred_fused.data.shape == (1, 160, 250)
        assert s.pred_fused_rgb.data.shape == (3, 160, 250)
        for field in (s.pred_fused.data, s.pred_fused_rgb.data):
            assert field.dtype == torch.float32
            assert field.min() >= 0 and field.max() <= 1
    # the flipped sample is restored by flipping back
    assert torch.allclose(out[1].pred_fused.data,
                          out[0].pred_fused.data.flip(-1))


def test_fused_rgb_keeps_visible_chroma():
    from kornia.color import rgb_to_ycbcr
    model = build().eval()
    x = torch.rand(1, 4, 48, 64)
    with torch.no_grad():
        out = model.predict(x, samples(1, 48, 64))[0]
    ycbcr = rgb_to_ycbcr(out.pred_fused_rgb.data[None])[0]
    inside = (out.pred_fused_rgb.data > 0.02).all(0) & \
        (out.pred_fused_rgb.data < 0.98).all(0)  # not clipped
    assert inside.float().mean() > 0.5
    assert torch.allclose(
        ycbcr[0, inside], out.pred_fused.data[0, inside], atol=1e-4)
    vis_cbcr = rgb_to_ycbcr(x[:, :3])[0, 1:]
    assert torch.allclose(ycbcr[1:, inside], vis_cbcr[:, inside], atol=1e-4)


def test_predict_without_data_samples_and_tensor_mode():
    model = build().eval()
    x = torch.rand(1, 4, 45, 70)
    with torch.no_grad():
        out = model.predict(x)
        logits, fused = model(x, mode='tensor')
    assert out[0].pred_fused.shape == (45, 70)
    assert logits.shape == (1, 3, 45, 70) and fused.shape == (1, 1, 45, 70)


def test_slide_blending_is_exact_for_a_pointwise_model(monkeypatch):
    """Tiles cover the image and the blend weights normalise to one: for a
    model whose outputs depend on each pixel only, slide == whole."""
    model = build(
        test_cfg=dict(mode='slide', crop_size=(40, 48), stride=(24,
                                                                32))).eval()
    monkeypatch.setattr(
        model, '_run', lambda inputs, with_sem: _Outputs([
        ], inputs[:, :3] * 2, None, inputs[:, 3:4] * inputs[:, :1], None))
    x = torch.rand(2, 4, 101, 77)
    logits, fused = model.inference_fused(x)
    assert torch.allclose(logits, x[:, :3] * 2, atol=1e-6)
    assert torch.allclose(fused, x[:, 3:4] * x[:, :1], atol=1e-6)


def test_slide_matches_whole_away_from_seams():
    whole = build().eval()
    with torch.no_grad():  # a livelier output than the near-constant init
        whole.fusion_head.out_conv.weight.mul_(30)
    slide = copy.deepcopy(whole)
    slide.test_cfg = dict(mode='slide', crop_size=(64, 64), stride=(48, 48))
    torch.manual_seed(1)
    x = torch.nn.functional.interpolate(
        torch.rand(1, 4, 12, 16), size=(96, 128), mode='bilinear')
    with torch.no_grad():
        a = whole.predict(x, samples(1, 96, 128))[0].pred_fused.data
        b = slide.predict(x, samples(1, 96, 128))[0].pred_fused.data
    # Tiles see less context (global channel attention, borders), so the
    # outputs differ slightly; a misplaced tile would differ by ~1.4 std.
    inner = (a - b).abs()[:, 8:-8, 8:-8]
    assert inner.mean() < 0.3 * a.std()
    assert b.shape == (1, 96, 128)


def test_slide_handles_images_smaller_than_crop():
    model = build(
        test_cfg=dict(mode='slide', crop_size=(64, 64), stride=(32,
                                                                32))).eval()
    with torch.no_grad():
        out = model.predict(torch.rand(1, 4, 37, 101), samples(1, 37, 101))
    assert out[0].pred_fused.shape == (37, 101)
