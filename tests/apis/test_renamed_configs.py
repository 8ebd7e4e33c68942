"""Configs renamed to mmseg's scheme still load from their old paths: the
one mapping in ``config_utils.RENAMED_CONFIGS``, with a warning naming the
new file, and no alias files left in ``configs/``."""
import logging

import pytest
from data_paths import REPO_ROOT
from mmengine.logging import MMLogger

from segfanet_mm.apis import load_config, resolve_config_path
from segfanet_mm.apis.config_utils import RENAMED_CONFIGS


class Records(logging.Handler):

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@pytest.fixture
def warnings_logged():
    logger = MMLogger.get_current_instance()
    handler = Records()
    logger.addHandler(handler)
    yield handler.messages
    logger.removeHandler(handler)


@pytest.mark.parametrize(
    'old, new', sorted(RENAMED_CONFIGS.items()), ids=sorted(RENAMED_CONFIGS))
def test_old_path_loads_the_new_config_with_one_warning(
        old, new, warnings_logged, monkeypatch):
    monkeypatch.chdir(REPO_ROOT)
    from_old = load_config(f'configs/{old}')
    assert warnings_logged == [
        f'config configs/{old} was renamed to configs/{new}; loading that '
        '(the old path keeps working, but use the new one)'
    ]
    from_new = load_config(f'configs/{new}')
    assert len(warnings_logged) == 1  # the new path loads silently
    # work_dir included: both default to work_dirs/<new config name>
    assert from_old.to_dict() == from_new.to_dict()
    assert from_old.filename == from_new.filename


def test_no_alias_files_are_left():
    for old, new in RENAMED_CONFIGS.items():
        assert not (REPO_ROOT / 'configs' / old).exists(), old
        assert (REPO_ROOT / 'configs' / new).is_file(), new


def test_absolute_old_paths_are_mapped_too(warnings_logged):
    old = REPO_ROOT / 'configs' / 'segfanet_whu.py'
    new = REPO_ROOT / 'configs' / RENAMED_CONFIGS['segfanet_whu.py']
    assert resolve_config_path(str(old), warn=False) == str(new)
    assert warnings_logged == []


@pytest.mark.parametrize('path', [
    'configs/nope.py', 'configs/segfanet_nope.py', 'segfanet_whu.py',
    'configs/segfanet/segfanet_whu.py'
])
def test_unknown_paths_fail_as_before(path, warnings_logged, monkeypatch):
    monkeypatch.chdir(REPO_ROOT)
    assert resolve_config_path(path) == path
    with pytest.raises(FileNotFoundError, match=path):
        load_config(path)
    assert warnings_logged == []
