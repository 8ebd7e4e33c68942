# Visible-only segmentation baseline on MSRS: SegFANet-S's segmentation
# branch with the infrared input set to zero (same size, data and schedule).
_base_ = ['./segfanet-s-segbranch_1xb8-800i_msrs-192x192.py']
model = dict(data_preprocessor=dict(drop_modality='ir'))
