"""Every command-line tool starts in a new interpreter as a user starts it
(``python tools/x.py --help``: the tool's own folder first on sys.path,
nothing from the tests), so that the tests may run the tools in-process
(``tool_runs.call_tool``) without hiding an import that only works there."""
import json
import sys

import pytest
from data_paths import REPO_ROOT
from tool_runs import run_tool

# One interpreter for all tools (one start-up instead of twenty): each tool
# runs as __main__ with --help and its folder as sys.path[0].
DRIVER = '''
import contextlib, io, json, os, runpy, sys
for tool in sys.argv[1:]:
    sys.argv = [tool, '--help']
    sys.path[0] = os.path.dirname(os.path.abspath(tool))
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            runpy.run_path(tool, run_name='__main__')
        code = 'returned'
    except SystemExit as exit_:
        code = exit_.code
    except BaseException as err:
        code = f'{type(err).__name__}: {err}'
    print(json.dumps([tool, code, out.getvalue().startswith('usage:')]))
'''


def entry_points() -> list:
    """The tools with a ``__main__`` block (converter helper modules have
    none)."""
    return sorted(
        str(path.relative_to(REPO_ROOT))
        for path in (REPO_ROOT / 'tools').rglob('*.py')
        if "if __name__ == '__main__':" in path.read_text())


@pytest.mark.slow
def test_every_tool_prints_its_usage():
    tools = entry_points()
    assert 'tools/fuse.py' in tools and len(tools) >= 15
    assert 'tools/dataset_converters/raster.py' not in tools
    out = run_tool([sys.executable, '-c', DRIVER, *tools])
    assert out.returncode == 0, out.stderr[-3000:]
    results = [json.loads(line) for line in out.stdout.splitlines()]
    assert [tool for tool, _, _ in results] == tools
    for tool, code, usage in results:
        assert code == 0 and usage, (tool, code, out.stderr[-2000:])
