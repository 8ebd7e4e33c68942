"""Where the tests find the repository and the shared research data."""
import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def shared_data_dir() -> Path:
    """``../shared/data`` beside the checkout (or $SEGFANET_SHARED_DATA)."""
    env = os.environ.get('SEGFANET_SHARED_DATA')
    return Path(env) if env else REPO_ROOT.parent / 'shared' / 'data'
