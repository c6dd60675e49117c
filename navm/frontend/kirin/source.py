"""Where a Kirin statement came from, as a navm `SourceLocation`.

kirin keeps a `SourceInfo` (file, 1-based line, 0-based column, plus the offsets of
the decorated function) on every statement. Code that bloqade's passes inline from
bloqade's or kirin's own libraries keeps the library's position; `flatten` moves it to
the user's call site, and `is_library` is how it tells the two apart.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from navm.diagnostics import SourceLocation

UNKNOWN_FILE = "<kernel>"


@cache
def _library_roots() -> tuple[str, ...]:
    import bloqade
    import kirin

    return tuple(os.path.join(os.path.realpath(p), "") for p in [*bloqade.__path__, *kirin.__path__])


@cache
def _in_library(file: str) -> bool:
    return os.path.realpath(file).startswith(_library_roots())


def is_library(info) -> bool:
    """Whether a SourceInfo points into bloqade's or kirin's own code (or nowhere)."""
    return info is None or not info.file or _in_library(info.file)


def display_path(file: str) -> str:
    """`file` relative to the working directory when it lies under it, as the other front ends print it."""
    try:
        return str(Path(file).resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return file


def location(info) -> SourceLocation | None:
    """The 1-based position of a kirin SourceInfo, or None."""
    if info is None:
        return None
    file = display_path(info.file) if info.file else UNKNOWN_FILE
    return SourceLocation(file, info.lineno + info.lineno_begin, info.col_offset + info.col_indent + 1)


def statement_location(stmt) -> SourceLocation | None:
    """The position of `stmt`, or of the nearest enclosing statement that has one."""
    while stmt is not None:
        if stmt.source is not None:
            return location(stmt.source)
        stmt = stmt.parent_stmt
    return None


def statement_name(stmt) -> str:
    """`dialect.name` as kirin prints the statement, e.g. `squin.gate.ccz`, `scf.for`."""
    dialect = getattr(stmt, "dialect", None)
    return f"{dialect.name}.{stmt.name}" if dialect is not None else stmt.name


def kernel_location(kernel) -> SourceLocation | None:
    """Where the kernel is defined: the first line of its decorated definition."""
    if not kernel.file:
        return None
    return SourceLocation(display_path(kernel.file), kernel.lineno_begin + 1, 1)
