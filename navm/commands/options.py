"""Command-line options shared by the commands, checked when they are parsed, before any work.

Every check raises click's `BadParameter`, which `navm.cli.main` prints in
navm's one style (`error: --shots: …`, exit 2), whether the value was not a
number at all (click's own check) or out of range (ours). Output paths are
checked here too, so a compile of minutes never ends in "no such directory".
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer

INT64_MAX = 2**63 - 1


def _whole(name: str, low: int, high: int, what: str):
    def check(value: Optional[int]) -> Optional[int]:
        if value is not None and not low <= value <= high:
            raise typer.BadParameter(f"{what} must be a whole number from {low:,} to {high:,} "
                                     f"(2^63 - 1), got {value}" if high == INT64_MAX else
                                     f"{what} must be a whole number from {low:,} to {high:,}, got {value}")
        return value

    check.__name__ = f"check_{name}"
    return check


check_shots = _whole("shots", 1, INT64_MAX, "the shot count")
check_seed = _whole("seed", 0, INT64_MAX, "the seed")


def check_output(path: Optional[Path]) -> Optional[Path]:
    """A path we can create or overwrite: its directory exists, and it is not a directory itself."""
    if path is None or str(path) == "-":
        return path
    if path.is_dir():
        raise typer.BadParameter(f"{path} is a directory; give a file name inside it")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise typer.BadParameter(f"cannot write {path}: the directory {parent} does not exist"
                                 if not parent.exists() else f"cannot write {path}: {parent} is not a directory")
    if path.exists() and not os.access(path, os.W_OK) or not path.exists() and not os.access(parent, os.W_OK):
        raise typer.BadParameter(f"cannot write {path}: permission denied")
    return path


def check_choice(name: str, choices: tuple[str, ...]):
    def check(value: Optional[str]) -> Optional[str]:
        if value is not None and value not in choices:
            import difflib

            close = difflib.get_close_matches(value, choices, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise typer.BadParameter(f"must be one of {', '.join(choices)}, not '{value}'{hint}")
        return value

    check.__name__ = f"check_{name}"
    return check


def check_observables(values: list[str]) -> list[str]:
    """Pauli strings: letters I, X, Y, Z (one per qubit, qubit 0 leftmost), an optional sign."""
    for text in values:
        body = text[1:] if text[:1] in "+-" else text
        if not body or any(c not in "IXYZ" for c in body.upper()):
            raise typer.BadParameter(f"'{text}' is not a Pauli string: write one of I, X, Y, Z per qubit, "
                                     "qubit 0 leftmost (e.g. ZZI)")
    return values


def write_text(path: Path, text: str) -> None:
    """Write an output file; an OS error (disk full, a race) is a user-facing error naming the file."""
    from navm.diagnostics import NavmError

    try:
        path.write_text(text, encoding="utf-8")
    except OSError as err:
        raise NavmError(f"cannot write {path}: {err.strerror or err}") from None


def noise_mode(flag: Optional[bool]) -> str:
    """--noise / --no-noise / neither → the pipeline's noise mode (navm.pipeline.NOISE_MODES)."""
    return "program" if flag is None else ("device" if flag else "none")


NOISE_HELP = ("Noise: by default the channels written in the program act; --noise adds the device's "
              "noise model on top; --no-noise strips every channel.")
SEED_HELP = "Seed of placement and routing tie-breaks (same seed, same compiled circuit)."
PASS_OPTION_HELP = ("Options for a pass of the compile pipeline, as -p writes them: "
                    "'place{override=true}', 'route{lookahead=8}'. Repeatable.")
