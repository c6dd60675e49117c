"""Option values converted without pydantic, so `navm compile` does not pay ~0.1 s to parse its options.

Typer (0.29) converts every parameter's value with a pydantic `TypeAdapter`,
built on first use: importing pydantic and building a dozen adapters costs
about 0.1 s per command, a third of a small compile. navm's options are plain
`str`, `int`, `bool`, `Path` and `List[str]`, so `install()` puts a converter in
front of Typer's: it handles the plainly valid cases itself (a string, a
decimal number, a path) and hands everything else, unchanged, to Typer's own
converter, built only then. Messages for bad values therefore stay Typer's
(and `navm.cli` words them in navm's style). tests/test_cli_startup.py checks
both paths and that `navm compile` no longer imports pydantic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, List

from typer import core as _core
from typer._coercion import RuntimeParam, TypeDescriptor
from typer._param_types import coerce_cli_path
from typer.models import ParameterInfo

_DECIMAL = re.compile(r"[0-9]{1,18}")  # what int() and pydantic read alike; anything else goes to Typer
_UNSURE = object()
_typer_build: Callable[[TypeDescriptor], RuntimeParam] | None = None


@dataclass(frozen=True)
class _PlainParam(RuntimeParam):
    """Converts the plainly valid values of a simple annotation; Typer's converter does the rest."""

    descriptor: TypeDescriptor
    convert: Callable[[Any, ParameterInfo, Any, Any], Any]

    def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
        out = self.convert(value, self.parameter_info, param, ctx)
        if out is not _UNSURE:
            return out
        assert _typer_build is not None
        return _typer_build(self.descriptor)._coerce_value(value, param=param, ctx=ctx)


def _str(value: Any, info: ParameterInfo, param: Any, ctx: Any) -> Any:
    return value if type(value) is str else _UNSURE


def _int(value: Any, info: ParameterInfo, param: Any, ctx: Any) -> Any:
    if type(value) is int:
        return value
    if type(value) is str and _DECIMAL.fullmatch(value):
        return int(value)
    return _UNSURE


def _bool(value: Any, info: ParameterInfo, param: Any, ctx: Any) -> Any:
    return value if type(value) is bool else _UNSURE


def _path(value: Any, info: ParameterInfo, param: Any, ctx: Any) -> Any:
    if type(value) is not str or not value:
        return _UNSURE
    # Typer's own path checks, given a Path so that it needs no pydantic to make one.
    return coerce_cli_path(Path(value), info, path_type=Path, param=param, ctx=ctx)


def _str_list(value: Any, info: ParameterInfo, param: Any, ctx: Any) -> Any:
    if isinstance(value, (list, tuple)) and all(type(v) is str for v in value):
        return list(value)
    return _UNSURE


_CONVERTERS: dict[Any, Callable[[Any, ParameterInfo, Any, Any], Any]] = {
    str: _str, int: _int, bool: _bool, Path: _path, List[str]: _str_list, list[str]: _str_list,
}


def _plain(info: ParameterInfo) -> bool:
    """No parser, range, clamp or path option: the value is the annotation's plain conversion."""
    return (info.parser is None and info.min is None and info.max is None and not info.clamp
            and info.path_type is None and not info.resolve_path and not info.allow_dash)


def build_runtime_param(descriptor: TypeDescriptor) -> RuntimeParam:
    convert = _CONVERTERS.get(descriptor.annotation)
    if convert is None or descriptor.file_annotation is not None or not _plain(descriptor.parameter_info):
        assert _typer_build is not None
        return _typer_build(descriptor)
    return _PlainParam(descriptor.parameter_info, descriptor.annotation, descriptor, convert)


def install() -> None:
    """Route Typer's parameter conversion through `build_runtime_param` (once per process)."""
    global _typer_build
    if _typer_build is None:
        _typer_build = _core.build_runtime_param
        _core.build_runtime_param = build_runtime_param
