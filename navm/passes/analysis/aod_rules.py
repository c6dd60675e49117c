"""The AOD's rules (docs/zoned.md, "Legality", rule 3), checked on the replay's state.

An AOD holds atoms at the crossings of its rows (y values) and columns (x values). A move
may shift rows and columns but never split one, merge two or let two cross; rows and
columns stay `min_spacing_um` apart and number at most the AOD's `rows` × `cols`; a load
must pick up every stored atom at a crossing. Positions closer than the profile's
coordinate tolerance are one line, and the spacing allows that tolerance too.

Each rule takes the `Replay` state (motion.py) and raises through `state.fail` at the row to
blame: the earliest row of the group that names one of the atoms involved.

Why two forms of each rule: a rule runs after every group, and most groups carry one to
four atoms, where sorting a handful of floats in Python costs less than one numpy call. So
each rule first screens the state in plain Python (its lists `xs`, `ys`, `aod_atoms`); only
when the screen finds a violation, or meets something it does not handle (a position that is
not finite), does the rule run in numpy (`_explain_*`), which decides and words the error.
The screens compute the same float expressions as the numpy form, so a group passes the
screen exactly when the numpy form passes it. A move's two rules are screened at once
(`move_screen`); a load's crossing check asks `StoredAtoms`, an index of the stored atoms by
position, about the AOD's few crossings instead of testing every stored atom.
"""

from __future__ import annotations

import math

import numpy as np

from navm.passes.analysis.motion_events import SLACK, first_row, xy

AXES = ((1, "row", "y"), (0, "column", "x"))
_FEW_CROSSINGS = 64
"""Above this many AOD crossings, a load's crossing check tests every stored atom (numpy) instead."""


# ---------------------------------------------------------------------------- lines


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


def py_lines(values: list[float], tol: float) -> tuple[list[int], list[float]]:
    """`lines` for a list of finite floats, in plain Python (for a few values, far faster than numpy)."""
    labels = [0] * len(values)
    starts: list[float] = []
    prev = None
    for i in sorted(range(len(values)), key=values.__getitem__):
        v = values[i]
        if prev is None or v - prev > tol:
            starts.append(v)
        labels[i] = len(starts) - 1
        prev = v
    return labels, starts


def line_starts(values: list[float], tol: float) -> list[float]:
    """`py_lines(values, tol)[1]`: each line's lowest value."""
    v = sorted(values)
    starts = v[:1]
    for a, b in zip(v, v[1:]):
        if b - a > tol:
            starts.append(b)
    return starts


def near(values: np.ndarray, sorted_lines: np.ndarray, tol: float) -> np.ndarray:
    """Whether each value is within `tol` of one of the sorted lines."""
    if not len(sorted_lines):
        return np.zeros(len(values), bool)
    at = np.searchsorted(sorted_lines, values)
    last = len(sorted_lines) - 1
    lo = np.abs(values - sorted_lines[np.clip(at - 1, 0, last)])
    hi = np.abs(values - sorted_lines[np.clip(at, 0, last)])
    return np.minimum(lo, hi) <= tol


# ---------------------------------------------------------------------------- the grid


def check_grid(state, op: str, group, rows) -> tuple[list[float], list[float]] | None:
    """After a load or a move (`op`), the loaded atoms' rows and columns fit the AOD: at most `rows`
    × `cols` of them, at least `min_spacing_um` apart. `group` are the atoms the group names.
    Returns the AOD's lines (ys, xs: each line's lowest value) when the screen computed them."""
    grid = grid_screen(state)
    if grid is None:
        _explain_grid(state, op, group, rows)
    return grid


def grid_screen(state) -> tuple[list[float], list[float]] | None:
    """The AOD's lines (ys, xs) if they fit the AOD, else None (also when a position is not finite)."""
    if not state.aod_finite:
        return None
    tol, aod = state.tol, state.aod
    atoms = state.aod_atoms
    if len(atoms) == 1:
        (q,) = atoms
        return ([state.ys[q]], [state.xs[q]]) if aod.rows >= 1 and aod.cols >= 1 else None
    ys = line_starts([state.ys[q] for q in atoms], tol)
    xs = line_starts([state.xs[q] for q in atoms], tol)
    spacing = aod.min_spacing_um * (1 - SLACK) - tol
    return (ys, xs) if _fits(ys, aod.rows, spacing) and _fits(xs, aod.cols, spacing) else None


def _fits(starts: list[float], limit: int, spacing: float) -> bool:
    """At most `limit` lines, none closer to the next than `spacing` (the numpy form's test)."""
    if len(starts) > limit:
        return False
    if len(starts) < 2:
        return True
    for a, b in zip(starts, starts[1:]):
        if b - a < spacing:
            return False
    return True


def _explain_grid(state, op: str, group, rows) -> None:
    loaded = np.flatnonzero(state.in_aod)
    pos = state.pos
    first = None if rows is None else int(rows[0])
    aod = state.aod
    for axis, word, c in AXES:
        labels, values = lines(pos[loaded, axis], state.tol)
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


# ---------------------------------------------------------------------------- crossings


class StoredAtoms:
    """The stored atoms by position, in square cells of a few tolerances (centred on multiples of the
    cell, where traps tend to be): which of them sit within the tolerance of a point, in O(1). The
    replay adds an atom when it is stored (at its trap's position) and removes it when it is loaded."""

    def __init__(self, tol: float, xs: list[float], ys: list[float]) -> None:
        self.tol = tol
        self.cell = max(4 * tol, 1.0)
        self.xs, self.ys = xs, ys  # the replay's lists: a stored atom does not move
        self.cells: dict[tuple[int, int], list[int]] = {}
        self.where: dict[int, tuple[int, int]] = {}
        for q in range(len(xs)):
            self.add(q)

    def add(self, q: int) -> None:
        x, y = self.xs[q], self.ys[q]
        if not (math.isfinite(x) and math.isfinite(y)):
            return  # near no point
        c = self.cell
        key = (math.floor(x / c + 0.5), math.floor(y / c + 0.5))
        self.cells.setdefault(key, []).append(q)
        self.where[q] = key

    def remove(self, q: int) -> None:
        key = self.where.pop(q, None)
        if key is not None:
            self.cells[key].remove(q)

    def any_near(self, x: float, y: float) -> bool:
        """Whether a stored atom has |x' - x| <= tol and |y' - y| <= tol ((x, y) finite)."""
        tol, c, cells, xs, ys = self.tol, self.cell, self.cells, self.xs, self.ys
        m = 2 * tol  # the cells searched reach beyond the tolerance: no rounding loses an atom
        i0, i1 = math.floor((x - m) / c + 0.5), math.floor((x + m) / c + 0.5)
        j0, j1 = math.floor((y - m) / c + 0.5), math.floor((y + m) / c + 0.5)
        if i0 == i1 and j0 == j1:  # the usual case: one cell
            for q in cells.get((i0, j0), ()):
                if abs(xs[q] - x) <= tol and abs(ys[q] - y) <= tol:
                    return True
            return False
        for i in range(i0, i1 + 1):
            for j in range(j0, j1 + 1):
                for q in cells.get((i, j), ()):
                    if abs(xs[q] - x) <= tol and abs(ys[q] - y) <= tol:
                        return True
        return False


def check_crossings(state, rows, grid: tuple[list[float], list[float]] | None = None) -> None:
    """After a load, no atom in a trap sits where an AOD row crosses an AOD column: the AOD would
    pick it up too. `grid`: the AOD's lines as `check_grid` returned them, if it did."""
    index = state.stored_index
    if grid is not None and index is not None and len(grid[0]) * len(grid[1]) <= _FEW_CROSSINGS:
        ys, xs = grid
        if len(xs) == 1 and len(ys) == 1:
            if not index.any_near(xs[0], ys[0]):
                return
        elif not any(index.any_near(x, y) for x in xs for y in ys):
            return
    _explain_crossings(state, rows)


def _explain_crossings(state, rows) -> None:
    in_aod = state.in_aod
    loaded = np.flatnonzero(in_aod)
    stored = np.flatnonzero(~in_aod & (state.trap >= 0))
    if not stored.size:
        return
    pos = state.pos
    _, ys = lines(pos[loaded, 1], state.tol)
    _, xs = lines(pos[loaded, 0], state.tol)
    hit = stored[near(pos[stored, 0], xs, state.tol) & near(pos[stored, 1], ys, state.tol)]
    if hit.size:
        q = int(hit[0])
        state.fail(f"load: q{q} sits in {state.trap_name(int(state.trap[q]))} at {xy(pos[q])}, where an "
                   "AOD row and column cross, but is not loaded: the AOD would pick it up too",
                   None if rows is None else int(rows[0]))


# ---------------------------------------------------------------------------- moves


def move_screen(state, atoms: list[int], xs: list[float], ys: list[float]) -> bool:
    """Whether a move of `atoms` to (`xs`, `ys`) passes both rules of a move: `check_order` (before it)
    and `check_grid` (after it), screened together from the lines before and after (False also when
    a position is not finite)."""
    aod, tol = state.aod, state.tol
    loaded = state.aod_atoms
    if len(loaded) == 1:
        return aod.rows >= 1 and aod.cols >= 1  # one atom: one row and one column, before and after
    if not state.aod_finite:
        return False
    spacing = aod.min_spacing_um * (1 - SLACK) - tol
    if len(atoms) == len(loaded):  # the move carries every loaded atom (its atoms are distinct and loaded)
        moved, new_ys, new_xs = atoms, ys, xs
    else:  # the others stay
        moved = list(loaded)
        index = {q: i for i, q in enumerate(atoms)}
        new_ys = [ys[index[q]] if q in index else state.ys[q] for q in moved]
        new_xs = [xs[index[q]] if q in index else state.xs[q] for q in moved]
    for before, after, limit in ((state.ys, new_ys, aod.rows), (state.xs, new_xs, aod.cols)):
        labels, starts = py_lines(after, tol)
        if not (_fits(starts, limit, spacing) and _order_kept([before[q] for q in moved], labels, tol)):
            return False
    return True


def _order_kept(before: list[float], after_line: list[int], tol: float) -> bool:
    """The lines of `before` map one to one, in order, onto the lines after (`after_line`: each value's
    line after the move): `check_order`'s test, each before-line's atoms sharing one after-line, and
    those after-lines increasing."""
    current, prev = -1, None
    for i in sorted(range(len(before)), key=before.__getitem__):
        v, line = before[i], after_line[i]
        if prev is None or v - prev > tol:  # the first atom of a new before-line
            if line <= current:
                return False
            current = line
        elif line != current:
            return False
        prev = v
    return True


def check_order(state, atoms: list[int], xs: list[float], ys: list[float], rows) -> None:
    """A move of `atoms` to (`xs`, `ys`) keeps the AOD's rows and columns: atoms that share a row
    (column) still share one, and rows (columns) keep their order, never crossing or merging. (The
    numpy form, run before the move when `move_screen` finds something.)"""
    _explain_order(state, np.asarray(atoms, dtype=np.int64), np.column_stack([xs, ys]), rows)


def _explain_order(state, atoms: np.ndarray, targets: np.ndarray, rows) -> None:
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
