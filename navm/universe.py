"""navm's dialects and passes for `xdsl-opt` (entry point `xdsl.universe`)."""

from xdsl.universe import Universe

from navm.passes import PASSES


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
    all_passes=dict(PASSES),
)
