"""navm's passes, registered by command-line name (the module name with '-' for '_')."""

from __future__ import annotations

from typing import Callable

from xdsl.passes import ModulePass


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


def _optimize():
    from navm.passes.optimize import Optimize

    return Optimize


def _move_check():
    from navm.passes.move_check import MoveCheck

    return MoveCheck


def _place():
    from navm.passes.place import Place

    return Place


def _route():
    from navm.passes.route import Route

    return Route


def _schedule():
    from navm.passes.schedule import Schedule

    return Schedule


def _stage():
    from navm.passes.stage import Stage

    return Stage


def _zoned_place():
    from navm.passes.zoned_place import ZonedPlace

    return ZonedPlace


def _move_route():
    from navm.passes.move_route import MoveRoute

    return MoveRoute


def _strip_noise():
    from navm.passes.strip_noise import StripNoise

    return StripNoise


def _unroll():
    from navm.passes.unroll import Unroll

    return Unroll


PASSES: dict[str, Callable[[], type[ModulePass]]] = {
    "blockade-check": _blockade_check,
    "canonicalize": _canonicalize,
    "decompose-native": _decompose_native,
    "insert-noise": _insert_noise,
    "migrate-isa": _migrate_isa,
    "move-check": _move_check,
    "optimize": _optimize,
    "place": _place,
    "route": _route,
    "schedule": _schedule,
    "stage": _stage,
    "zoned-place": _zoned_place,
    "move-route": _move_route,
    "strip-noise": _strip_noise,
    "unroll": _unroll,
}


def parse_pipeline(spec: str, *, origin: str = "-p") -> list[ModulePass]:
    """`"unroll,place{seed=7,override=true}"` → pass instances; a bad spec is a NavmError
    at its column (navm.passes.spec)."""
    from navm.passes.spec import parse_pipeline_spec

    return parse_pipeline_spec(spec, PASSES, origin=origin)
