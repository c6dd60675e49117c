"""Splitting a rearrangement into parallel AOD operations that respect the AOD's rules.

An AOD holds atoms at the crossings of its rows (tones in y) and columns (tones in x) and moves
whole rows and columns: atoms that share a row (column) before a move share it after, rows and
columns keep their order and never cross or merge, and distinct rows (columns) stay at least the
AOD's minimum spacing apart. Loading picks up every atom at a crossing, so the crossings of the
rows and columns a group is loaded with may hold no atom outside the group. Movers that can share
an AOD form a group: load, one move, store. Fewer groups is less time (each costs two transfers
and its longest move), so movers are packed greedily, in order of position, into the first group
they fit; then the groups are ordered so that a group that frees a trap goes before the group
that fills it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

EPS = 1e-6


class TrapCycle(ValueError):
    """The movers' destinations form a cycle of occupied traps; `atoms` are on it."""

    def __init__(self, atoms: list[int]) -> None:
        super().__init__("the moves of a rearrangement form a cycle of traps")
        self.atoms = atoms


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


def _key(p: tuple[float, float]) -> tuple[float, float]:
    return (round(p[0], 3), round(p[1], 3))


def _axis_ok(s: float, d: float, spacing: float) -> bool:
    """Two atoms' coordinates on one axis before (their difference s) and after (d) a move."""
    if abs(s) < EPS:
        return abs(d) < EPS  # one row (column) before: one after
    if abs(d) < EPS or (s > 0) != (d > 0):
        return False  # rows merge, or cross
    return abs(s) >= spacing - EPS and abs(d) >= spacing - EPS


def compatible(a: Mover, b: Mover, spacing: float) -> bool:
    return all(_axis_ok(a.start[k] - b.start[k], a.end[k] - b.end[k], spacing) for k in (0, 1))


def routed_groups(movers: list[Mover], homes: dict[int, tuple[float, float]], occupied: set[tuple[float, float]],
                  spacing: float, max_rows: int, max_cols: int) -> list[list[Mover]]:
    """`aod_groups`, with every cycle of traps (atoms that must take each other's places) broken by
    sending one of its atoms home first and on to its destination in a group of its own afterwards."""
    later: list[Mover] = []
    while True:
        try:
            return aod_groups(movers, occupied, spacing, max_rows, max_cols) + [[m] for m in later]
        except TrapCycle as cycle:
            atom = cycle.atoms[0]
            (m,) = [m for m in movers if m.atom == atom]
            movers = [x for x in movers if x.atom != atom] + [Mover(atom, m.start, homes[atom])]
            later.insert(0, Mover(atom, homes[atom], m.end))


def aod_groups(movers: list[Mover], occupied: set[tuple[float, float]], spacing: float,
               max_rows: int, max_cols: int) -> list[list[Mover]]:
    """Movers in groups one AOD can carry at once, in an order that frees traps before filling them.
    `occupied`: positions of atoms in traps that do not move (no group may load at them)."""
    starts = {_key(m.start) for m in movers}
    ends = {_key(m.end) for m in movers}
    blocked = occupied | starts | ends  # another mover may still be there, or have arrived
    groups: list[Group] = []
    for m in sorted(movers, key=lambda m: (m.start[1], m.start[0])):
        for g in groups:
            if _fits(g, m, blocked, spacing, max_rows, max_cols):
                break
        else:
            g = Group()
            groups.append(g)
        g.movers.append(m)
        g.xs.add(m.start[0])
        g.ys.add(m.start[1])
    return _ordered([g.movers for g in groups])


def _fits(g: Group, m: Mover, blocked: set, spacing: float, max_rows: int, max_cols: int) -> bool:
    if len(g.xs | {m.start[0]}) > max_cols or len(g.ys | {m.start[1]}) > max_rows:
        return False
    if not all(compatible(m, other, spacing) for other in g.movers):
        return False
    own = {_key(o.start) for o in g.movers} | {_key(m.start)}
    new = {(m.start[0], y) for y in g.ys | {m.start[1]}} | {(x, m.start[1]) for x in g.xs}
    return not any(_key(p) in blocked and _key(p) not in own for p in new)


def _ordered(groups: list[list[Mover]]) -> list[list[Mover]]:
    """Groups in an order where a group leaving a trap goes before any group that arrives there."""
    leaves = [{_key(m.start) for m in g} for g in groups]
    arrives = [{_key(m.end) for m in g} for g in groups]
    after = {i: {j for j in range(len(groups)) if j != i and arrives[i] & leaves[j]} for i in range(len(groups))}
    done: list[int] = []
    left = list(range(len(groups)))
    while left:
        ready = [i for i in left if not (after[i] - set(done))]
        if not ready:
            raise TrapCycle([m.atom for i in left for m in groups[i]])
        done.append(ready[0])
        left.remove(ready[0])
    return [groups[i] for i in done]
