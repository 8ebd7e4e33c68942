"""install_is_current.py: ``make install`` skips pip only when every
requirement is met and segfanet_mm is installed from this checkout."""
import shutil
from importlib import metadata

from data_paths import REPO_ROOT
from tool_runs import call_tool

TOOL = 'tools/misc/install_is_current.py'


def test_current_install_needs_nothing():
    out = call_tool(TOOL, 'requirements.txt', 'requirements/tests.txt')
    assert out.returncode == 0, out.stderr
    assert out.stderr == ''


def test_missing_or_old_requirements_are_named(tmp_path):
    torch_version = metadata.version('torch')
    (tmp_path / 'base.txt').write_text(f'torch=={torch_version}  # met\n'
                                       'no-such-package-segfanet>=1\n')
    (tmp_path / 'top.txt').write_text(
        '# a comment line\n-r base.txt\nnumpy<1.0\n'
        'pytest; python_version < "3"\n')  # marker false: not needed
    out = call_tool(TOOL, tmp_path / 'top.txt')
    assert out.returncode == 1
    lines = out.stderr.splitlines()
    assert lines[0] == 'no-such-package-segfanet is not installed'
    assert lines[1].startswith('numpy ') and lines[1].endswith(
        ' does not meet numpy<1.0')
    assert len(lines) == 2


def test_another_checkout_is_not_current(tmp_path):
    """A fresh clone beside an editable install of an older checkout."""
    clone = tmp_path / 'clone'
    (clone / 'tools' / 'misc').mkdir(parents=True)
    (clone / 'segfanet_mm').mkdir()
    (clone / 'segfanet_mm' / '__init__.py').write_text('')
    shutil.copy(REPO_ROOT / TOOL, clone / TOOL)
    (clone / 'requirements.txt').write_text('numpy\n')
    out = call_tool(clone / TOOL, 'requirements.txt')
    assert out.returncode == 1
    assert out.stderr == 'segfanet_mm is not installed from this checkout\n'
