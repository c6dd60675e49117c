"""User-facing errors: every bad input becomes a `NavmError` with a source position.

The CLI prints `NavmError.render()` and exits with status 2; nothing else a user
can provoke is allowed to escape as a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple


class SourceLocation(NamedTuple):
    """A 1-based line and column in a named source file.

    A NamedTuple, not a dataclass: front ends make one per token, and tuples
    are the cheapest immutable records Python builds."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


_SOURCES: dict[str, list[str]] = {}


def register_source(file: str, text: str) -> None:
    """Remember a source text so diagnostics can quote its lines later."""
    _SOURCES[file] = text.split("\n")  # as the lexers count lines: \n only


def source_line(loc: SourceLocation) -> str | None:
    """The text of the line `loc` points into, if it can be found."""
    lines = _SOURCES.get(loc.file)
    if lines is None:
        try:
            lines = Path(loc.file).read_text(encoding="utf-8", errors="replace").split("\n")
        except OSError:
            return None
        _SOURCES[loc.file] = lines
    if 1 <= loc.line <= len(lines):
        return lines[loc.line - 1]
    return None


class NavmError(Exception):
    """A user error: bad source, bad IR, bad device profile, bad options.

    `loc` is where the problem is; `notes` are extra lines printed after the
    caret (for example the nearest valid alternatives).
    """

    def __init__(
        self,
        message: str,
        loc: SourceLocation | None = None,
        *,
        notes: tuple[str, ...] = (),
        source_text: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.loc = loc
        self.notes = tuple(notes)
        self.source_text = source_text

    def __str__(self) -> str:
        return f"{self.loc}: error: {self.message}" if self.loc else f"error: {self.message}"

    def render(self) -> str:
        """`file:line:column: error: message`, the source line, a caret, then notes."""
        out = [str(self)]
        if self.loc is not None:
            text = self.source_text if self.source_text is not None else source_line(self.loc)
            if text is not None:
                text = text.expandtabs(1)
                out.append(f"  {text}")
                out.append("  " + " " * max(self.loc.column - 1, 0) + "^")
        out.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(out)
