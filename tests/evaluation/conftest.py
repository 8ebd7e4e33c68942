import pytest


@pytest.fixture(autouse=True)
def _one_thread(one_torch_thread):
    """Every evaluation test runs with one torch thread."""
    yield
