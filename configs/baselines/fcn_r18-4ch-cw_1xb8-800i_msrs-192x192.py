# The early-fusion FCN-R18 baseline on MSRS with the class-weighted
# cross-entropy of SegFANet-S-RGB (same data, schedule and weights).
_base_ = ['./fcn_r18-4ch_1xb8-800i_msrs-192x192.py']
model = dict(
    decode_head=dict(loss_decode=dict(class_weight={{_base_.class_weight}})))
