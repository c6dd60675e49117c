"""A rich progress bar for the CLI: shown on a terminal only, and only for work that lasts.

A bar for a 50 ms step would only flicker, so a task's bar appears after
SHOW_AFTER seconds and vanishes when it ends (transient). With `--json`, or
when stderr is not a terminal, `progress_for` hands out `NO_PROGRESS`.
"""

from __future__ import annotations

import threading
import time

from navm.progress import NO_PROGRESS, Progress

SHOW_AFTER = 0.8


class RichProgress:
    """One task at a time on stderr; start/advance/finish as navm.progress.Progress says."""

    def __init__(self, console) -> None:
        self.console = console
        self._lock = threading.Lock()
        self._bar = None
        self._task = None
        self._timer: threading.Timer | None = None
        self._state = ("", None, 0.0)  # description, total, completed

    def start(self, description: str, total: float | None = None) -> None:
        self.finish()
        with self._lock:
            self._state = (description, total, 0.0)
            self._started = time.monotonic()
            self._timer = threading.Timer(SHOW_AFTER, self._show)
            self._timer.daemon = True
            self._timer.start()

    def _show(self) -> None:
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress as Bar, SpinnerColumn, TextColumn,
                                   TimeElapsedColumn, TimeRemainingColumn)

        with self._lock:
            if self._timer is None:
                return
            description, total, completed = self._state
            columns = [SpinnerColumn(), TextColumn("{task.description}")]
            if total is not None:
                columns += [BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()]
            columns.append(TimeElapsedColumn())
            self._bar = Bar(*columns, console=self.console, transient=True)
            self._task = self._bar.add_task(description, total=total, completed=completed)
            self._bar.start()

    def advance(self, amount: float = 1, description: str | None = None) -> None:
        with self._lock:
            text, total, completed = self._state
            self._state = (description or text, total, completed + amount)
            if self._bar is not None:
                self._bar.update(self._task, advance=amount, description=description or text)

    def finish(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if self._bar is not None:
                self._bar.stop()
                self._bar = None


def progress_for(console, *, json_output: bool) -> Progress:
    """A bar on an interactive stderr, nothing otherwise (pipes, files, CI logs, --json)."""
    if json_output or not console.is_terminal:
        return NO_PROGRESS
    return RichProgress(console)
