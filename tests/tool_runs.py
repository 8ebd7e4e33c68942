"""Launching the project's tools from tests, as a user would."""
import os
import subprocess
from typing import Dict, Optional, Sequence

from data_paths import REPO_ROOT

FIXTURES = REPO_ROOT / 'tests' / 'fixtures'


def run_tool(args: Sequence[str],
             env: Optional[Dict[str, str]] = None,
             fixtures: bool = False,
             timeout: int = 600) -> subprocess.CompletedProcess:
    """Run ``args`` in the repository root and capture its text output.

    ``env`` adds to the environment; ``fixtures`` makes the test configs'
    modules (``tests/fixtures``) importable.
    """
    extra = dict(env or {})
    if fixtures:
        extra['PYTHONPATH'] = str(FIXTURES)
    return subprocess.run(
        list(args),
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=dict(os.environ, **extra))
