"""The checks a gate, channel or annotation passes before it runs: the ones `unroll` makes.

A dynamic program meets them at run time, shot by shot, with the same messages
a static program gets from `unroll` at compile time.
"""

from __future__ import annotations

from navm.diagnostics import NavmError, SourceLocation
from navm.ir.row_checks import check_row  # noqa: F401  (re-exported for the runner)


def check_annotation(kind: str, params: tuple[float, ...], lookbacks: tuple[int, ...], measurements: int,
                     loc: SourceLocation | None) -> None:
    """Look-backs (-1 = the latest measurement so far) must name earlier measurements of this shot."""
    for k in lookbacks:
        if k >= 0 or -k > measurements:
            raise NavmError(
                f"look-back {k} does not name an earlier measurement (use -1 … -{measurements})"
                if measurements else f"look-back {k}: there is no earlier measurement", loc)
    if kind == "observable" and params[0] < 0:
        raise NavmError(f"observable index {int(params[0])} is negative", loc)
