"""Shared test fixtures: paths, generated pairs, and the shared data sets."""
import os
import os.path as osp
import sys

import cv2
import numpy as np
import pytest
from data_paths import REPO_ROOT, shared_data_dir

sys.path.insert(0, str(REPO_ROOT))
# the converters' shared modules, imported as the converter scripts do
sys.path.insert(0, str(REPO_ROOT / 'tools' / 'dataset_converters'))

import torch  # noqa: E402

import segfanet_mm  # noqa: E402,F401

if os.environ.get('PYTEST_XDIST_WORKER'):
    # pytest -n N: N workers share the cores; one thread each (and in the
    # tools they start), as oversubscribed threads slow every worker down
    os.environ['OMP_NUM_THREADS'] = '1'
    torch.set_num_threads(1)


@pytest.fixture
def shared_data():
    """Path to the research data sets; skips the test when absent."""
    root = shared_data_dir()
    if not root.is_dir():
        pytest.skip(f'shared data not found at {root}')
    return root


def write_pair_folder(root: str,
                      stems,
                      size=(40, 56),
                      with_ann=True,
                      num_classes=3,
                      seed=0) -> str:
    """Write small random pairs as ``root/{vis,ir,ann}/<stem>.png``."""
    rng = np.random.default_rng(seed)
    h, w = size
    for folder in ('vis', 'ir') + (('ann', ) if with_ann else ()):
        os.makedirs(osp.join(root, folder), exist_ok=True)
    for stem in stems:
        cv2.imwrite(
            osp.join(root, 'vis', stem + '.png'),
            rng.integers(0, 256, (h, w, 3), dtype=np.uint8))
        cv2.imwrite(
            osp.join(root, 'ir', stem + '.png'),
            rng.integers(0, 256, (h, w), dtype=np.uint8))
        if with_ann:
            cv2.imwrite(
                osp.join(root, 'ann', stem + '.png'),
                rng.integers(0, num_classes, (h, w), dtype=np.uint8))
    return root


@pytest.fixture
def make_pair_folder():
    """The :func:`write_pair_folder` factory, for tests needing variants."""
    return write_pair_folder


@pytest.fixture
def pair_folder(tmp_path):
    return write_pair_folder(str(tmp_path / 'pairs'), ['a', 'b', 'c'])


@pytest.fixture(scope='session')
def demo_root(tmp_path_factory):
    """The built-in demo data set, generated once per session in a temporary
    folder (never in the checkout); configs read it through
    ``data_root=<demo_root>``."""
    from segfanet_mm.datasets import write_demo_dataset
    return write_demo_dataset(str(tmp_path_factory.mktemp('data') / 'demo'))


@pytest.fixture(autouse=True, scope='session')
def mmseg_default_scope():
    """Registries resolve names in mmseg's scope, as inside a Runner."""
    from mmengine.registry import init_default_scope
    init_default_scope('mmseg')


@pytest.fixture
def one_torch_thread():
    """One torch thread for the test (restored after): metric code on small
    tensors has the lowest CPU time with one thread, and no OpenMP spinning
    on busy CI hosts."""
    import torch
    old = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(old)


def pytest_collection_modifyitems(items) -> None:
    """Test files with slow tests first (stable order otherwise): under
    ``pytest -n N --dist loadfile`` the long files then start early and the
    many short ones fill the gaps, instead of one long file running alone
    at the end."""
    slow_files = {
        item.path
        for item in items if item.get_closest_marker('slow') is not None
    }
    items.sort(key=lambda item: item.path not in slow_files)
