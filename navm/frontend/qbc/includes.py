"""Finding and reading `.include`d files, and catching include cycles.

A path is looked up relative to the including file's folder first, then in
each of the caller's `include_dirs`. The name a file gets in diagnostics is the
path as found (for example `examples/qbc/lib.qbc`); cycles are detected on the
resolved real paths so `a.qbc` and `./a.qbc` are the same file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from navm.diagnostics import NavmError, SourceLocation


@dataclass(frozen=True)
class SourceFile:
    """A file being assembled: its display name and its resolved path (None for text)."""

    name: str
    real: Path | None


def read_source(path: Path, loc: SourceLocation | None) -> str:
    """A file's text as UTF-8 (navm.frontend.source_text); unreadable files are a `NavmError` at `loc`."""
    from navm.frontend.source_text import read_source_text

    return read_source_text(path, loc)


def resolve(written: str, includer: SourceFile, include_dirs: tuple[Path, ...],
            loc: SourceLocation) -> SourceFile:
    """The file `.include "written"` names, searched as described above."""
    from navm.frontend.source_text import check_file_reads

    check_file_reads(written, loc)
    here = Path(includer.name).parent if includer.real is not None else Path(".")
    candidates = [here] + [Path(d) for d in include_dirs]
    for folder in candidates:
        path = Path(os.path.normpath(folder / written))
        if _is_file(path):
            return SourceFile(str(path), path.resolve())
    looked = ", ".join(str(c) for c in dict.fromkeys(candidates))
    raise NavmError(f"included file not found: '{written}'", loc, notes=(f"looked in: {looked}",))


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):  # name too long, NUL byte, ...
        return False


@dataclass
class IncludeStack:
    """The chain of files currently being included, outermost first."""

    files: list[SourceFile] = field(default_factory=list)

    def push(self, file: SourceFile, loc: SourceLocation) -> None:
        """Enter `file`; entering a file already on the chain is an include cycle."""
        reals = [f.real for f in self.files]
        if file.real is not None and file.real in reals:
            cycle = self.files[reals.index(file.real):] + [file]
            raise NavmError("include cycle: " + " -> ".join(f.name for f in cycle), loc)
        self.files.append(file)

    def pop(self) -> None:
        self.files.pop()
