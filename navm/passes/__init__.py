"""navm's passes, registered by command-line name (the module name with '-' for '_')."""

from __future__ import annotations

from typing import Callable

from xdsl.passes import ModulePass, PassPipeline
from xdsl.utils.exceptions import ArgSpecParseError

from navm.diagnostics import NavmError


def _blockade_check():
    from navm.passes.blockade_check import BlockadeCheck

    return BlockadeCheck


def _canonicalize():
    from navm.passes.canonicalize import Canonicalize

    return Canonicalize


def _decompose_native():
    from navm.passes.decompose_native import DecomposeNative

    return DecomposeNative


def _insert_noise():
    from navm.passes.insert_noise import InsertNoise

    return InsertNoise


def _migrate_isa():
    from navm.passes.migrate_isa import MigrateIsa

    return MigrateIsa


def _place():
    from navm.passes.place import Place

    return Place


def _route():
    from navm.passes.route import Route

    return Route


def _schedule():
    from navm.passes.schedule import Schedule

    return Schedule


def _unroll():
    from navm.passes.unroll import Unroll

    return Unroll


PASSES: dict[str, Callable[[], type[ModulePass]]] = {
    "blockade-check": _blockade_check,
    "canonicalize": _canonicalize,
    "decompose-native": _decompose_native,
    "insert-noise": _insert_noise,
    "migrate-isa": _migrate_isa,
    "place": _place,
    "route": _route,
    "schedule": _schedule,
    "unroll": _unroll,
}


def parse_pipeline(spec: str) -> list[ModulePass]:
    """`"unroll,migrate-isa{to=1.1}"` → pass instances; a bad spec is a NavmError."""
    if not spec.strip():
        return []
    try:
        return list(PassPipeline.parse_spec(PASSES, spec).passes)
    except NavmError:
        raise
    except (Exception, ArgSpecParseError) as err:  # xDSL's spec errors vary (one is a BaseException)
        lines = [ln.strip() for ln in str(err).strip().splitlines() if ln.strip() and ln.strip() != "^"]
        message = lines[-1] if lines else type(err).__name__
        raise NavmError(
            f"invalid pass pipeline '{spec}': {message}",
            notes=(f"available passes: {', '.join(sorted(PASSES))}",),
        ) from None
