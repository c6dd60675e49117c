"""Splitting a rearrangement into parallel AOD operations that respect the AOD's rules.

An AOD holds atoms at the crossings of its rows (tones in y) and columns (tones in x) and moves
whole rows and columns: atoms that share a row (column) before a move share it after, rows and
columns keep their order and never cross or merge, and distinct rows (columns) stay at least the
AOD's minimum spacing apart. Loading picks up every atom at a crossing, so the crossings of the
rows and columns a group is loaded with may hold no atom outside the group. Movers that can share
an AOD form a group: load, one move, store. Fewer groups is less time (each costs two transfers
and its longest move), so movers are packed greedily into the first group they fit, taken in the
order their traps free up (an atom after the one that must leave its destination first); a group
may hold both, as the one leaves while the other arrives.
"""

from __future__ import annotations

from dataclasses import dataclass, field

EPS = 1e-6


@dataclass(frozen=True)
class Mover:
    atom: int
    start: tuple[float, float]
    end: tuple[float, float]


@dataclass
class Group:
    movers: list[Mover] = field(default_factory=list)
    xs: set[float] = field(default_factory=set)
    ys: set[float] = field(default_factory=set)


def snap(p) -> tuple[float, float]:
    """A position rounded to 1 nm, so that positions compare exactly (movers carry snapped positions)."""
    return (round(float(p[0]), 3), round(float(p[1]), 3))


def position_key(p: tuple[float, float]) -> tuple[float, float]:
    """The key of a snapped position: itself."""
    return p


def _axis_ok(s: float, d: float, spacing: float) -> bool:
    """Two atoms' coordinates on one axis before (their difference s) and after (d) a move."""
    if abs(s) < EPS:
        return abs(d) < EPS  # one row (column) before: one after
    if abs(d) < EPS or (s > 0) != (d > 0):
        return False  # rows merge, or cross
    return abs(s) >= spacing - EPS and abs(d) >= spacing - EPS


def compatible(a: Mover, b: Mover, spacing: float) -> bool:
    return all(_axis_ok(a.start[k] - b.start[k], a.end[k] - b.end[k], spacing) for k in (0, 1))


def routed_groups(movers: list[Mover], park, occupied: set[tuple[float, float]],
                  spacing: float, max_rows: int, max_cols: int) -> list[list[Mover]]:
    """Movers in groups one AOD can carry at once, in an order where an atom leaves a trap before
    another is stored in it. Where atoms must take each other's places (a cycle of traps), one atom
    of each cycle goes to a free trap first (`park(mover)`, a position no atom holds or is bound
    for) and on to its destination after all the others (its second leg packed with the other
    second legs). `occupied`: atoms in traps that do not move."""
    movers, later = _break_cycles(movers, park)
    blocked = occupied | {position_key(m.start) for m in movers + later} | {position_key(m.end) for m in movers + later}
    return _pack(movers, blocked, spacing, max_rows, max_cols) + _pack(later, blocked, spacing, max_rows, max_cols)


def _waits_for(movers: list[Mover]) -> dict[int, int]:
    """atom → the atom that must leave the trap it goes to first."""
    leaving = {position_key(m.start): m.atom for m in movers}
    return {m.atom: leaving[position_key(m.end)] for m in movers
            if position_key(m.end) in leaving and leaving[position_key(m.end)] != m.atom}


def _break_cycles(movers: list[Mover], park) -> tuple[list[Mover], list[Mover]]:
    waits = _waits_for(movers)
    by_atom = {m.atom: m for m in movers}
    later: list[Mover] = []
    seen: set[int] = set()
    for m in movers:
        path, a = [], m.atom
        while a in waits and a not in seen and a not in path:
            path.append(a)
            a = waits[a]
        if a in path:  # a cycle: park its first atom, and send it on to its destination at the end
            spot = park(by_atom[a])
            later.append(Mover(a, spot, by_atom[a].end))
            by_atom[a] = Mover(a, by_atom[a].start, spot)
            waits = _waits_for(list(by_atom.values()))
        seen.update(path)
    return list(by_atom.values()), later


def _pack(movers: list[Mover], blocked: set, spacing: float, max_rows: int, max_cols: int) -> list[list[Mover]]:
    """Greedy packing, atoms taken in order of their dependencies (then of position): an atom joins
    the first group that is not earlier than the group of the atom it waits for, and that it fits."""
    waits = _waits_for(movers)
    by_atom = {m.atom: m for m in movers}
    order: list[Mover] = []
    placed: set[int] = set()

    def visit(m: Mover) -> None:
        if m.atom in placed:
            return
        placed.add(m.atom)
        if m.atom in waits:
            visit(by_atom[waits[m.atom]])
        order.append(m)

    for m in sorted(movers, key=lambda m: (m.start[1], m.start[0])):
        visit(m)
    groups: list[Group] = []
    group_of: dict[int, int] = {}
    for m in order:
        first = group_of[waits[m.atom]] if m.atom in waits else 0
        for k in range(first, len(groups)):
            if _fits(groups[k], m, blocked, spacing, max_rows, max_cols):
                break
        else:
            groups.append(Group())
            k = len(groups) - 1
        g = groups[k]
        g.movers.append(m)
        g.xs.add(m.start[0])
        g.ys.add(m.start[1])
        group_of[m.atom] = k
    return [g.movers for g in groups]


def _fits(g: Group, m: Mover, blocked: set, spacing: float, max_rows: int, max_cols: int) -> bool:
    if len(g.xs | {m.start[0]}) > max_cols or len(g.ys | {m.start[1]}) > max_rows:
        return False
    if not all(compatible(m, other, spacing) for other in g.movers):
        return False
    own = {position_key(o.start) for o in g.movers} | {position_key(m.start)}
    new = {(m.start[0], y) for y in g.ys | {m.start[1]}} | {(x, m.start[1]) for x in g.xs}
    return not any(position_key(p) in blocked and position_key(p) not in own for p in new)
