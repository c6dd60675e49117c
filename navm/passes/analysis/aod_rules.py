"""The AOD's rules (docs/zoned.md, "Legality", rule 3), checked on the replay's state.

An AOD holds atoms at the crossings of its rows (y values) and columns (x values). A move
may shift rows and columns but never split one, merge two or let two cross; rows and
columns stay `min_spacing_um` apart and number at most the AOD's `rows` × `cols`; a load
must pick up every stored atom at a crossing. Positions closer than the profile's
coordinate tolerance are one line, and the spacing allows that tolerance too.

Each rule takes the `Replay` state (motion.py) and raises through `state.fail` at the row to
blame: the earliest row of the group that names one of the atoms involved.
"""

from __future__ import annotations

import numpy as np

from navm.passes.analysis.motion_events import SLACK, first_row, xy

AXES = ((1, "row", "y"), (0, "column", "x"))


def lines(values: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Values grouped into AOD lines (rows for ys, columns for xs): sorted, a new line wherever the
    gap exceeds `tol`. Returns each value's line index (lines numbered upwards) and each line's
    lowest value."""
    order = np.argsort(values, kind="stable")
    v = values[order]
    new = np.ones(len(v), bool)
    new[1:] = np.diff(v) > tol
    labels = np.empty(len(v), dtype=np.int64)
    labels[order] = np.cumsum(new) - 1
    return labels, v[new]


def near(values: np.ndarray, sorted_lines: np.ndarray, tol: float) -> np.ndarray:
    """Whether each value is within `tol` of one of the sorted lines."""
    if not len(sorted_lines):
        return np.zeros(len(values), bool)
    at = np.searchsorted(sorted_lines, values)
    last = len(sorted_lines) - 1
    lo = np.abs(values - sorted_lines[np.clip(at - 1, 0, last)])
    hi = np.abs(values - sorted_lines[np.clip(at, 0, last)])
    return np.minimum(lo, hi) <= tol


def check_grid(state, op: str, group: np.ndarray, rows) -> None:
    """After a load or a move (`op`), the loaded atoms' rows and columns fit the AOD: at most `rows`
    × `cols` of them, at least `min_spacing_um` apart. `group` are the atoms the group names."""
    loaded = np.flatnonzero(state.in_aod)
    first = None if rows is None else int(rows[0])
    aod = state.aod
    for axis, word, c in AXES:
        labels, values = lines(state.pos[loaded, axis], state.tol)
        limit = aod.rows if axis == 1 else aod.cols
        if len(values) > limit:
            state.fail(f"{op}: the AOD would hold {len(values)} {word}s (distinct {c} values); it has {limit}", first)
        gaps = np.diff(values)
        bad = np.flatnonzero(gaps < aod.min_spacing_um * (1 - SLACK) - state.tol)
        if bad.size:
            k = int(bad[0])
            a = int(loaded[np.flatnonzero(labels == k)[0]])
            b = int(loaded[np.flatnonzero(labels == k + 1)[0]])
            state.fail(f"{op}: AOD {word}s {c} = {values[k]:.3f} (q{a}) and {c} = {values[k + 1]:.3f} (q{b}) "
                       f"would be {gaps[k]:.3f} µm apart, closer than the AOD's min_spacing_um "
                       f"({aod.min_spacing_um:g})", first_row(rows, group, (a, b), first))


def check_crossings(state, rows) -> None:
    """After a load, no atom in a trap sits where an AOD row crosses an AOD column: the AOD would
    pick it up too."""
    loaded = np.flatnonzero(state.in_aod)
    stored = np.flatnonzero(~state.in_aod & (state.trap >= 0))
    if not stored.size:
        return
    _, ys = lines(state.pos[loaded, 1], state.tol)
    _, xs = lines(state.pos[loaded, 0], state.tol)
    hit = stored[near(state.pos[stored, 0], xs, state.tol) & near(state.pos[stored, 1], ys, state.tol)]
    if hit.size:
        q = int(hit[0])
        state.fail(f"load: q{q} sits in {state.trap_name(int(state.trap[q]))} at {xy(state.pos[q])}, where an "
                   "AOD row and column cross, but is not loaded: the AOD would pick it up too",
                   None if rows is None else int(rows[0]))


def check_order(state, atoms: np.ndarray, targets: np.ndarray, rows) -> None:
    """A move of `atoms` to `targets` keeps the AOD's rows and columns: atoms that share a row
    (column) still share one, and rows (columns) keep their order, never crossing or merging."""
    loaded = np.flatnonzero(state.in_aod)
    before = state.pos[loaded]
    after = before.copy()
    after[np.searchsorted(loaded, atoms)] = targets
    first = None if rows is None else int(rows[0])
    for axis, word, c in AXES:
        lb, vb = lines(before[:, axis], state.tol)
        la, _ = lines(after[:, axis], state.tol)
        lo = np.full(len(vb), np.iinfo(np.int64).max)
        hi = np.full(len(vb), -1)
        np.minimum.at(lo, lb, la)
        np.maximum.at(hi, lb, la)
        split = np.flatnonzero(lo != hi)
        if split.size:
            k = int(split[0])
            a, b = sorted((int(loaded[np.flatnonzero((lb == k) & (la == lo[k]))[0]]),
                           int(loaded[np.flatnonzero((lb == k) & (la == hi[k]))[0]])))
            ea, eb = after[np.searchsorted(loaded, [a, b]), axis]
            state.fail(f"move: q{a} and q{b} share an AOD {word} ({c} = {vb[k]:.3f}) but would end in different "
                       f"{word}s ({c} = {ea:.3f} and {eb:.3f})", first_row(rows, atoms, (a, b), first))
        step = np.diff(lo)
        bad = np.flatnonzero(step <= 0)
        if bad.size:
            k = int(bad[0])
            a = int(loaded[np.flatnonzero(lb == k)[0]])
            b = int(loaded[np.flatnonzero(lb == k + 1)[0]])
            ea, eb = after[np.searchsorted(loaded, [a, b]), axis]
            verb = "merge" if step[k] == 0 else "cross"
            state.fail(f"move: AOD {word}s {c} = {vb[k]:.3f} (q{a}) and {c} = {vb[k + 1]:.3f} (q{b}) would {verb}: "
                       f"they end at {c} = {ea:.3f} and {eb:.3f}", first_row(rows, atoms, (a, b), first))
