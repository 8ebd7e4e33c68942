"""SegFANet configs: variants' sizes, ablations differ only where meant."""
import re
from pathlib import Path

import pytest
import torch
from mmengine.analysis import parameter_count
from mmengine.config import Config
from mmseg.registry import MODELS


def flat(d, prefix=''):
    """{'a.b': value} view of nested dicts."""
    out = {}
    for key, value in d.items():
        if isinstance(value, dict):
            out.update(flat(value, f'{prefix}{key}.'))
        else:
            out[f'{prefix}{key}'] = value
    return out


def diff(a: Config, b: Config) -> set:
    fa, fb = flat(a.to_dict()), flat(b.to_dict())
    return {k for k in fa.keys() | fb.keys() if fa.get(k) != fb.get(k)}


def num_params(path: str) -> int:
    return parameter_count(MODELS.build(Config.fromfile(path).model))['']


DEMO = 'configs/segfanet/segfanet-{}_1xb4-400i_demo-128x128.py'
REAL = 'configs/segfanet/segfanet-{}_1xb8-1000i_roadscene-msrsmini-192x192.py'


def test_small_variant_size():
    assert num_params(DEMO.format('s')) <= 500_000


@pytest.mark.parametrize('variant', ['s-noalign', 's-fusiononly'])
def test_ablations_build_smaller(variant):
    assert num_params(DEMO.format(variant)) < num_params(DEMO.format('s'))


@pytest.mark.parametrize('path', [DEMO.format('b'), REAL.format('b')])
def test_base_variant_size(path):
    assert 10_000_000 <= num_params(path) <= 30_000_000


def test_base_variant_is_selected_one_way():
    """Every B config takes B from its model base
    (``_base_/models/segfanet_b.py``), none by copying B's keys."""
    configs = sorted(Path('configs').glob('**/segfanet-b*.py'))
    assert len(configs) >= 2
    for path in configs:
        text = path.read_text()
        assert "'../_base_/models/segfanet_b.py'" in text, path
        assert '{{' not in text and 'b_widths' not in text, path


@pytest.mark.parametrize(
    'recipe, also',
    [
        (DEMO, ()),
        # B keeps the fusion loss it was trained with (S's first release)
        (REAL, ('model.fusion_loss.', )),
    ],
    ids=['demo', 'real'])
def test_base_variants_change_only_the_architecture(recipe, also):
    changed = diff(
        Config.fromfile(recipe.format('s')),
        Config.fromfile(recipe.format('b')))
    architecture = ('model.backbone.', 'model.decode_head.',
                    'model.fusion_head.', 'model.align_loss.',
                    'b_widths') + also
    assert 'model.backbone.widths' in changed
    assert all(key.startswith(architecture) for key in changed), changed


def test_ablations_differ_only_where_meant():
    main = Config.fromfile(DEMO.format('s'))
    assert diff(main, Config.fromfile(DEMO.format('s-noalign'))) \
        == {'model.align_loss.loss_weight'}
    assert diff(main, Config.fromfile(DEMO.format('s-fusiononly'))) \
        == {'model.align_loss.loss_weight', 'model.seg_loss_weight',
            'model.fusion_head.semantic_injection',
            'model_wrapper_cfg.type',
            'model_wrapper_cfg.find_unused_parameters'}


def test_real_recipe_builds_all_five_fusion_terms():
    loss = MODELS.build(Config.fromfile(REAL.format('s')).model).fusion_loss
    images = [torch.rand(2, 1, 48, 48) for _ in range(3)]
    terms = loss(*images)
    assert set(terms) == {
        'loss_fus_int', 'loss_fus_grad', 'loss_fus_ssim', 'loss_fus_mi',
        'loss_fus_qabf'
    }
    assert all(torch.isfinite(value) for value in terms.values())


MSRS = 'configs/segfanet/segfanet-s{}_1xb8-800i_msrs-192x192.py'
# recipe: (variant of the SegFANet-S configs, early-fusion baseline)
RECIPES = {
    'luminance':
    ('', 'configs/baselines/fcn_r18-4ch_1xb8-800i_msrs-192x192.py'),
    'rgb':
    ('-rgb', 'configs/baselines/fcn_r18-4ch-cw_1xb8-800i_msrs-192x192.py'),
    'mb':
    ('-mb', 'configs/baselines/fcn_r18-4ch-cw_1xb8-800i_msrs-192x192.py'),
}
SAME_TRAINING = ('train_dataloader', 'param_scheduler', 'train_cfg',
                 'optim_wrapper', 'randomness')


@pytest.mark.parametrize('recipe', RECIPES)
def test_msrs_ablations_differ_only_where_meant(recipe):
    variant = RECIPES[recipe][0]
    main = Config.fromfile(MSRS.format(variant))
    assert diff(main, Config.fromfile(MSRS.format(f'{variant}-noalign'))) \
        == {'model.align_loss.loss_weight'}
    assert diff(main, Config.fromfile(MSRS.format(f'{variant}-fusiononly'))) \
        == {'model.align_loss.loss_weight', 'model.seg_loss_weight',
            'model.fusion_head.semantic_injection',
            'model_wrapper_cfg.type',
            'model_wrapper_cfg.find_unused_parameters'}


def test_msrs_mb_differs_from_the_rgb_recipe_only_in_its_blocks():
    assert diff(
        Config.fromfile(MSRS.format('-rgb')),
        Config.fromfile(MSRS.format('-mb'))) == {
            'model.backbone.block', 'model.backbone.expand_ratio'
        }


def test_msrs_rgb_differs_from_the_luminance_recipe_only_where_meant():
    """Colour, depth and the class weights of _base_/datasets/msrs_seg.py."""
    rgb = Config.fromfile(MSRS.format('-rgb'))
    assert diff(Config.fromfile(MSRS.format('')), rgb) == {
        'model.backbone.vis_mode', 'model.backbone.depths',
        'model.decode_head.loss_decode.class_weight'
    }
    assert rgb.model.decode_head.loss_decode.class_weight == rgb.class_weight
    assert len(rgb.class_weight) == rgb.model.decode_head.num_classes == 9


@pytest.mark.parametrize('recipe', RECIPES)
@pytest.mark.parametrize('branch, dropped', [('-segbranch', None),
                                             ('-segbranch-vis', 'ir'),
                                             ('-segbranch-ir', 'vis')])
def test_msrs_seg_baselines_are_segfanet_s_branch(recipe, branch, dropped):
    """The segmentation baselines hold exactly SegFANet-S's encoder and
    decode head (same weights' shapes), on the same data and schedule."""
    variant = RECIPES[recipe][0]
    main = Config.fromfile(MSRS.format(variant))
    cfg = Config.fromfile(MSRS.format(variant + branch))
    assert cfg.model.type == 'EncoderDecoder'
    assert cfg.model.backbone == main.model.backbone
    assert cfg.model.decode_head == main.model.decode_head
    assert cfg.model.data_preprocessor.get('drop_modality') == dropped
    for key in SAME_TRAINING:
        assert cfg[key] == main[key], key
    full = MODELS.build(main.model).state_dict()
    branch_weights = MODELS.build(cfg.model).state_dict()
    assert {
        k: v.shape
        for k, v in branch_weights.items()
    } == {
        k: full[k].shape
        for k in branch_weights
    }


@pytest.mark.parametrize('recipe', RECIPES)
def test_msrs_early_fusion_baseline_shares_data_and_schedule(recipe):
    variant, baseline = RECIPES[recipe]
    main = Config.fromfile(MSRS.format(variant))
    cfg = Config.fromfile(baseline)
    assert cfg.model.backbone.in_channels == 4
    assert cfg.model.decode_head.num_classes == 9
    assert cfg.model.decode_head.loss_decode == \
        main.model.decode_head.loss_decode
    for key in SAME_TRAINING:
        assert cfg[key] == main[key], key


SMALL_EARLY_FUSION = [
    'configs/baselines/bisenetv2-slim-4ch-cw_1xb8-800i_msrs-192x192.py',
    'configs/baselines/'
    'segfanet-seghead_r18-w16-4ch-cw_1xb8-800i_msrs-192x192.py',
]


@pytest.mark.parametrize('baseline', SMALL_EARLY_FUSION)
def test_small_early_fusion_baselines_match_segfanet_s_rgb(baseline):
    """Same data, schedule and loss as SegFANet-S-RGB, and within 10 % of
    its parameters at test time (booster heads are training-only)."""
    main = Config.fromfile(MSRS.format('-rgb'))
    cfg = Config.fromfile(baseline)
    assert cfg.model.backbone.in_channels == 4
    assert cfg.model.data_preprocessor.type == 'IVFDataPreProcessor'
    assert cfg.model.decode_head.loss_decode == \
        main.model.decode_head.loss_decode
    for key in SAME_TRAINING:
        assert cfg[key] == main[key], key
    model = MODELS.build(cfg.model)
    at_test = sum(p.numel() for name, p in model.named_parameters()
                  if not name.startswith('auxiliary_head'))
    assert abs(at_test / num_params(MSRS.format('-rgb')) - 1) < 0.1


def test_the_plugin_is_imported_in_one_place():
    """``custom_imports`` lives in ``_base_/default_runtime.py`` alone;
    every top-level config inherits it."""
    setting = [
        path.as_posix() for path in sorted(Path('configs').glob('**/*.py'))
        if re.search(r'^custom_imports\b', path.read_text(), re.MULTILINE)
    ]
    assert setting == ['configs/_base_/default_runtime.py']
