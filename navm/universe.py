"""navm's dialects and passes for `xdsl-opt` (entry point `xdsl.universe`).

xDSL has its own `canonicalize`; a navm pass whose name xDSL already uses is
registered as `navm-NAME` (so `xdsl-opt -p navm-canonicalize`).
"""

from dataclasses import dataclass

from xdsl.transforms import get_all_passes
from xdsl.universe import Universe

from navm.passes import PASSES

_TAKEN = set(get_all_passes())
XDSL_OPT_PASS_NAMES = {name: f"navm-{name}" if name in _TAKEN else name for name in PASSES}


def _renamed(name: str, get):
    """The pass class, subclassed under its xdsl-opt name when that differs."""
    alias = XDSL_OPT_PASS_NAMES[name]
    if alias == name:
        return get

    def load():
        cls = get()
        return dataclass(frozen=True)(type(cls.__name__, (cls,), {"name": alias, "__module__": cls.__module__}))

    return load


def _qbc():
    from navm.ir.qbc import QBC

    return QBC


def _navm():
    from navm.ir.navm import NAVM

    return NAVM


def _noise():
    from navm.ir.noise import NOISE

    return NOISE


NAVM_UNIVERSE = Universe(
    all_dialects={"qbc": _qbc, "navm": _navm, "noise": _noise},
    all_passes={XDSL_OPT_PASS_NAMES[name]: _renamed(name, get) for name, get in PASSES.items()},
)
