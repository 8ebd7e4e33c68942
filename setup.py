"""SegFANet-MM: an MMSegmentation 1.x plugin for infrared-visible fusion."""
import os.path as osp
from setuptools import find_packages, setup


def read_requirements(path: str) -> list:
    with open(osp.join(osp.dirname(__file__), path)) as f:
        return [
            line.strip() for line in f
            if line.strip() and not line.startswith(('#', '-r'))
        ]


def read_version() -> str:
    scope: dict = {}
    with open(osp.join(osp.dirname(__file__), 'segfanet_mm',
                       'version.py')) as f:
        exec(f.read(), scope)
    return scope['__version__']


setup(
    name='segfanet_mm',
    version=read_version(),
    description='SegFANet: segmentation-feature-aligned infrared and visible '
    'image fusion, as an MMSegmentation plugin',
    long_description=open('README.md').read(),
    long_description_content_type='text/markdown',
    packages=find_packages(exclude=('tests', 'tests.*', 'configs', 'tools')),
    python_requires='>=3.8',
    install_requires=read_requirements('requirements/runtime.txt'),
    extras_require={'tests': read_requirements('requirements/tests.txt')},
    license='Apache-2.0',
    zip_safe=False)
