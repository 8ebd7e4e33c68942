"""Launching the project's tools from tests, as a user would.

``run_tool`` starts a new process: for what only a process shows (signals,
torchrun, start-up warnings, the exit status of a crash). ``call_tool``
runs a Python tool inside the test's process, as ``python tools/x.py ...``
would run it: same arguments, working directory, exit status and text
output, without the ~3.5 s of imports (torch, mmengine, mmseg) that each
new process pays.
"""
import io
import os
import runpy
import socket
import subprocess
import sys
import traceback
import warnings
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Dict, Optional, Sequence

import torch
from data_paths import REPO_ROOT

FIXTURES = REPO_ROOT / 'tests' / 'fixtures'


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now (for torchrun)."""
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def tool_env(env: Optional[Dict[str, str]] = None,
             fixtures: bool = False) -> Dict[str, str]:
    """This process's environment plus ``env``; ``fixtures`` makes the test
    configs' modules (``tests/fixtures``) importable."""
    extra = dict(env or {})
    if fixtures:
        extra['PYTHONPATH'] = str(FIXTURES)
    return dict(os.environ, **extra)


def run_tool(args: Sequence[str],
             env: Optional[Dict[str, str]] = None,
             fixtures: bool = False,
             timeout: int = 600,
             cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess:
    """Run ``args`` in ``cwd`` (the repository root) and capture its text
    output; ``env`` and ``fixtures`` as in :func:`tool_env`."""
    return subprocess.run(
        list(args),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=tool_env(env, fixtures))


def _exit_status(code) -> int:
    """The status ``sys.exit(code)`` gives a process: None is 0, an int
    itself, anything else (a message, printed to stderr) 1."""
    if code is None:
        return 0
    return code if isinstance(code, int) else 1


def _interpreter_warning_filters() -> None:
    """The warning filters a new ``python`` process starts with (no -W):
    the test's own filters must not hide a tool's warnings."""
    warnings.resetwarnings()
    for category in (DeprecationWarning, PendingDeprecationWarning,
                     ImportWarning, ResourceWarning):
        warnings.simplefilter('ignore', category)
    warnings.filterwarnings(
        'default', category=DeprecationWarning, module='__main__')


def call_tool(script: str, *args) -> subprocess.CompletedProcess:
    """Run the Python tool ``script`` (relative to the repository root) with
    ``args`` in this process, as ``python script args`` would.

    Returns what :func:`run_tool` returns: the exit status (a ``SystemExit``
    message goes to stderr, an uncaught exception's traceback too, status
    1) and the captured stdout and stderr. ``sys.argv``, the working
    directory, torch's thread count and the warning filters (set to a new
    interpreter's for the run) are restored afterwards.
    """
    argv = [script, *map(str, args)]
    out, err = io.StringIO(), io.StringIO()
    saved = sys.argv, os.getcwd(), torch.get_num_threads()
    sys.argv = argv
    os.chdir(REPO_ROOT)
    try:
        with redirect_stdout(out), redirect_stderr(err), \
                warnings.catch_warnings():
            _interpreter_warning_filters()
            try:
                runpy.run_path(str(REPO_ROOT / script), run_name='__main__')
                status = 0
            except SystemExit as exit_:
                status = _exit_status(exit_.code)
                if not isinstance(exit_.code, (int, type(None))):
                    print(exit_.code, file=sys.stderr)
            except Exception:  # noqa: B902 - the interpreter's behaviour
                traceback.print_exc()
                status = 1
    finally:
        sys.argv = saved[0]
        os.chdir(saved[1])
        torch.set_num_threads(saved[2])
    return subprocess.CompletedProcess([sys.executable, *argv], status,
                                       out.getvalue(), err.getvalue())
