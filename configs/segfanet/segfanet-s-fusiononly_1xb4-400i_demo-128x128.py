# Ablation: fusion only. No segmentation loss (lambda_seg = 0), no alignment
# (lambda_align = 0), no semantic injection: a plain dual-stream U-Net fusion
# network. The decode head is still built (mmseg's EncoderDecoder needs one)
# but untrained, so the validation mIoU of this config is meaningless.
_base_ = ['./segfanet-s_1xb4-400i_demo-128x128.py']
model = dict(
    seg_loss_weight=0.,
    align_loss=dict(loss_weight=0.),
    fusion_head=dict(semantic_injection=False))
# The untrained decode head has parameters without gradients (DDP needs this).
model_wrapper_cfg = dict(
    type='MMDistributedDataParallel', find_unused_parameters=True)
