"""Make mmseg importable on ``mmcv-lite`` (no compiled ops).

mmseg 1.2.2 imports ``mmcv.ops`` at module level (``mmseg.utils``,
``mmseg.models``, ``mmseg.datasets``, ``mmseg.apis``), and ``mmcv.ops`` loads
the compiled extension ``mmcv._ext`` on import, which ``mmcv-lite`` does not
ship. When the extension is missing we register a placeholder ``mmcv.ops``
package that

* keeps the real package directory on ``__path__`` so pure-PyTorch
  submodules (``mmcv.ops.point_sample``) still import from mmcv itself;
* exposes ``point_sample`` (pure PyTorch, used by mmseg's utilities);
* returns, for any other op name, a placeholder that raises a clear
  ``RuntimeError`` when it is called or instantiated, so modules that merely
  import an op still load, and a config that really needs it fails loudly.

When a full mmcv with compiled ops is installed this module does nothing.
"""
import importlib.machinery
import importlib.util
import os.path as osp
import sys
import types
from typing import Any

_NEEDS_FULL_MMCV = (
    "mmcv.ops.{name} needs mmcv's compiled ops, which mmcv-lite does not "
    'have. Install the full `mmcv` package (built for your torch/CUDA) to '
    'use it, or pick a model component that does not need it.')


def has_compiled_mmcv_ops() -> bool:
    """Whether the installed mmcv carries its compiled extension."""
    try:
        return importlib.util.find_spec('mmcv._ext') is not None
    except (ImportError, ValueError):
        return False


def _missing_op(name: str) -> type:
    """A stand-in class for a compiled op: importable, fails when used."""

    def _fail(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError(_NEEDS_FULL_MMCV.format(name=name))

    return type(name, (), {'__new__': _fail, '__doc__': _fail.__doc__})


def _stub_on_lookup(module: types.ModuleType) -> None:
    """Make every unknown public name of ``module`` a :func:`_missing_op`."""

    def __getattr__(name: str) -> Any:
        if name.startswith('__'):
            raise AttributeError(name)
        stub = _missing_op(name)
        setattr(module, name, stub)
        return stub

    module.__getattr__ = __getattr__


def install_mmcv_ops_placeholder() -> bool:
    """Register the placeholder ``mmcv.ops`` when compiled ops are absent.

    Returns:
        bool: True if the placeholder was installed (now or before).
    """
    current = sys.modules.get('mmcv.ops')
    if current is not None:
        return getattr(current, '__segfanet_placeholder__', False)
    if has_compiled_mmcv_ops():
        return False
    import mmcv

    ops_dir = osp.join(osp.dirname(mmcv.__file__), 'ops')
    ops = types.ModuleType('mmcv.ops', __doc__)
    ops.__spec__ = importlib.machinery.ModuleSpec(
        'mmcv.ops', loader=None, is_package=True)
    ops.__spec__.submodule_search_locations = [ops_dir]
    ops.__path__ = [ops_dir]
    ops.__file__ = osp.join(ops_dir, '__init__.py')
    ops.__segfanet_placeholder__ = True
    _stub_on_lookup(ops)
    sys.modules['mmcv.ops'] = ops
    mmcv.ops = ops
    from mmcv.ops.point_sample import point_sample  # pure PyTorch
    ops.point_sample = point_sample
    # mmcv.cnn.bricks.transformer (imported by mmseg) imports this op at
    # module level and, when its compiled module fails to load, warns on
    # every start; the placeholder module imports quietly instead.
    attention = types.ModuleType('mmcv.ops.multi_scale_deform_attn')
    _stub_on_lookup(attention)
    sys.modules[attention.__name__] = attention
    ops.multi_scale_deform_attn = attention
    return True
