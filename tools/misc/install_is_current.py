"""Exit 0 when nothing needs installing, 1 when pip has work to do.

``make install`` runs this first and calls pip only when it exits non-zero:
three pip runs cost 5-7 s on 2 cores even when everything is present, and
``make test`` / ``make demo`` pay that every time. "Current" means every
requirement in the given files (``-r`` includes followed) is installed at a
version its specifier accepts, and ``import segfanet_mm`` resolves to this
checkout (a fresh clone next to an older editable install is not current).
Anything this script cannot judge counts as not current, so pip decides.

Usage: ``python tools/misc/install_is_current.py requirements.txt ...``
"""
import argparse
import importlib.util
import os.path as osp
import sys
from importlib import metadata
from typing import Iterator

try:
    from packaging.requirements import Requirement
except ImportError:  # pip vendors it, but it may not be importable
    sys.exit('packaging is not installed: pip decides')

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def read_requirements(path: str) -> Iterator[Requirement]:
    """The requirements of a pip requirements file, ``-r`` followed."""
    with open(path) as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if line.startswith('-r'):
                yield from read_requirements(
                    osp.join(osp.dirname(path), line[2:].strip()))
            elif line:
                yield Requirement(line)


def unmet(requirement: Requirement) -> str:
    """Why ``requirement`` is not met ('' when it is)."""
    if requirement.marker and not requirement.marker.evaluate():
        return ''
    try:
        version = metadata.version(requirement.name)
    except metadata.PackageNotFoundError:
        return f'{requirement.name} is not installed'
    if not requirement.specifier.contains(version, prereleases=True):
        return f'{requirement.name} {version} does not meet {requirement}'
    return ''


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('files', nargs='+', help='requirements files')
    args = parser.parse_args()
    problems = [
        reason for path in args.files
        for reason in map(unmet, read_requirements(osp.join(REPO_ROOT, path)))
        if reason
    ]
    spec = importlib.util.find_spec('segfanet_mm')
    here = osp.join(REPO_ROOT, 'segfanet_mm', '__init__.py')
    if not (spec and spec.origin and osp.isfile(here)
            and osp.samefile(spec.origin, here)):
        problems.append('segfanet_mm is not installed from this checkout')
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
