# Infrared-only baseline of SegFANet-S-RGB: the visible input set to zero.
_base_ = ['./segfanet-s-rgb-segbranch_1xb8-800i_msrs-192x192.py']
model = dict(data_preprocessor=dict(drop_modality='vis'))
