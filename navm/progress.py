"""Progress of long work (shots, trajectories, passes, VM runs), reported to whoever shows it.

Backends and passes call `progress.task(...)`/`advance(...)` on the object
they are handed; the default, `NO_PROGRESS`, does nothing, so library users
see nothing and pay nothing. The CLI hands in a rich progress bar when its
output is a terminal and `--json` is not given (navm/commands/progress_bar.py).
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator, Protocol


class Progress(Protocol):
    def start(self, description: str, total: float | None = None) -> None:
        """Begin a task; `total` None means "unknown" (a spinner)."""

    def advance(self, amount: float = 1, description: str | None = None) -> None:
        """Count `amount` more done; a new `description` replaces the task's."""

    def finish(self) -> None: ...


class _NoProgress:
    def start(self, description: str, total: float | None = None) -> None:
        pass

    def advance(self, amount: float = 1, description: str | None = None) -> None:
        pass

    def finish(self) -> None:
        pass


NO_PROGRESS: Progress = _NoProgress()


@contextmanager
def task(progress: Progress, description: str, total: float | None = None) -> Iterator[Progress]:
    """`with task(progress, "sampling", shots) as p: p.advance(k)`."""
    progress.start(description, total)
    try:
        yield progress
    finally:
        progress.finish()
