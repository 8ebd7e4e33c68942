# SegFANet-S's segmentation branch alone: the dual-stream encoder and the
# SegFANetSegHead of segfanet.py in mmseg's plain EncoderDecoder, trained
# with cross-entropy only (no fusion head, no fusion or alignment loss).
# With the data preprocessor's drop_modality it is the single-modality
# baseline of the same size (docs/results.md, "MSRS").
_base_ = ['./segfanet.py']
model = dict(
    _delete_=True,
    type='EncoderDecoder',
    data_preprocessor={{_base_.data_preprocessor}},
    backbone={{_base_.model.backbone}},
    decode_head={{_base_.model.decode_head}},
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
