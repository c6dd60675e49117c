"""Replaying a zoned (ISA 1.2) circuit's atom motion: where every atom is after each row, in
an SLM trap or in the AOD, and whether the program is legal (docs/zoned.md, "Legality").

Why one state machine: `move-check` fails at the first illegal row, `schedule` needs each
move's length and which atoms each Rydberg pulse drives, and the `.naviz` reader and writer
need the atoms on each gate site at a pulse. All of them replay the same rows from the same
placement with `Replay`, so the legality rules and the models never disagree about where
an atom is.

- `Replay` holds the state (`pos`, `in_aod`, `trap`) and applies events (motion_events.py
  cuts a table into them). With `strict=True` it checks the rules as it goes (placement and
  transfers here, the AOD's in aod_rules.py, the pulse's in pulse_rules.py) and raises a
  located `NavmError` at the first violation, naming atoms and positions; with
  `strict=False` it only follows the atoms (the time model and the `.naviz` reader use that,
  so a program is scored or read even before it is checked).
- `steps(...)` yields the state after every event; `trace(...)` keeps what the time and
  fidelity models read: each group's longest move, each pulse's pairs and the atoms it
  drives without a partner, per atom its transfers and the pulses it stood under.

Cost: a zoned program is thousands of groups of one to four atoms, where a numpy call costs
more than the work it does; so the state is kept in Python lists (numpy arrays of it are
built on demand: `pos`, `in_aod`, …) and an event costs O(atoms it names + atoms in the AOD),
none per row. The rules screen each event in plain Python and, only when the screen finds
something, run their exact numpy form, which decides and words the error (aod_rules.py,
pulse_rules.py); a pulse costs O(pairs + atoms under the laser), the laser's atoms and the
pulses they stood under being counted as atoms come and go. `trace` computes every move's
length in one numpy call at the end.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

import numpy as np

from navm.diagnostics import NavmError, SourceLocation
from navm.ir.circuit_table import GateTable, Placement
from navm.ir.gates import GATES
from navm.passes.analysis import aod_rules, pulse_rules
from navm.passes.analysis.motion_events import (
    LOAD,
    MOTION_KINDS,
    MOVE,
    PULSE,
    STORE,
    Event,
    event_columns,
    first_row,
    raise_at,
    table_locator,
    xy,
    zoned_architecture,
)
from navm.perf import gc_paused

_NONE = np.zeros(0, dtype=np.int64)


@dataclass(frozen=True)
class Pulse:
    """One `rydberg` row as replayed: its pairs (k × 2 atoms), the entanglement zones they sit in,
    the atoms inside the laser region without a partner (`unpaired`), and how many atoms stood
    inside the laser region, the entanglement zone the models charge (`in_laser`; which ones:
    `Replay.in_laser` at that step of `steps`, kept per atom as `MotionTrace.pulses_in_laser`)."""

    row: int
    pairs: np.ndarray
    zones: tuple[int, ...]
    unpaired: np.ndarray
    in_laser: int


def _ints(atoms) -> list[int]:
    """Atom indices as a list (a list is taken as it is; a tuple or an integer array is converted)."""
    if type(atoms) is list:
        return atoms
    if isinstance(atoms, np.ndarray):
        return atoms.astype(np.int64, copy=False).reshape(-1).tolist()
    return [int(q) for q in atoms]


class Replay:
    """Atoms of a zoned program, step by step: `pos` (n × 2 µm), `in_aod`, and `trap` (the site id
    of the SLM trap each atom sits in, -1 while in the AOD or, replaying leniently, off every
    trap). Each method applies one event; `atoms` are qubit indices and `rows` the row of each
    (for error locations). `strict` checks the legality rules of docs/zoned.md as it goes.

    The state lives in Python lists and sets, which the rules read: `xs`, `ys` (µm), `traps`,
    `lit` (inside a laser region), `lit_atoms`, `aod_atoms` (in load order); the arrays (`pos`,
    `in_aod`, `trap`, `in_laser`, …) are built from them when asked for (messages, the models,
    callers). `stored_index` (aod_rules.StoredAtoms) and `trap_neighbours` (pulse_rules) are the
    rules' indexes, kept only when `strict`."""

    def __init__(self, profile, sites: np.ndarray, *, strict: bool = True,
                 locate: Callable[[int], SourceLocation | None] | None = None,
                 decl_loc: Callable[[int], SourceLocation | None] | None = None) -> None:
        arch = zoned_architecture(profile)
        self.profile, self.arch, self.strict, self.locate = profile, arch, strict, locate
        self.tol = profile.coordinate_tolerance_um
        self.radius = profile.blockade_radius_um
        self.aod = arch.aods[0]
        n_traps = len(arch.coords)
        sites = np.asarray(sites, dtype=np.int64)
        self.n = len(sites)
        known = (sites >= 0) & (sites < n_traps)
        known[known] = ~np.isnan(arch.coords[sites[known], 0])
        if not known.all():
            q = int(np.flatnonzero(~known)[0])
            loc = decl_loc(q) if decl_loc is not None else None
            raise NavmError(f"q{q} starts on site {int(sites[q])}, which device '{profile.name}' does not have"
                            if sites[q] >= 0 else
                            f"q{q} has no trap: every atom of a zoned program starts on a trap (QSITE)", loc)
        occupied = np.full(n_traps, -1, dtype=np.int64)
        for q, s in enumerate(sites.tolist()):
            if occupied[s] >= 0:
                loc = decl_loc(q) if decl_loc is not None else None
                raise NavmError(f"q{q} starts on site {s}, the trap of q{int(occupied[s])}: "
                                "no two atoms start on one trap", loc)
            occupied[s] = q
        self.occupant = occupied
        pos = arch.coords[sites] if self.n else np.zeros((0, 2))
        self.xs: list[float] = pos[:, 0].tolist()
        self.ys: list[float] = pos[:, 1].tolist()
        self.aod_atoms: dict[int, None] = {}  # the atoms in the AOD (an ordered set)
        self.aod_finite = True  # False once a move target is not finite: the rules then take numpy's path
        self._in_aod = [False] * self.n
        self.traps: list[int] = sites.tolist()
        self._loaded_at = [-1] * self.n
        self._transfers = [0] * self.n
        self._lasers = [zone.laser for zone in arch.zones]
        self.lit = [self._inside(x, y) for x, y in zip(self.xs, self.ys)]
        self.lit_atoms = {q for q, lit in enumerate(self.lit) if lit}  # atoms inside a laser region
        self._pulses = 0  # pulses so far
        self._lit_since = [0] * self.n  # the pulse count when the atom last entered the laser
        self._lit_before = [0] * self.n  # pulses it stood under before that
        self._paired_lit = [0] * self.n  # pulses that paired the atom inside the laser
        self.gate_sites = pulse_rules.GateSites(arch)
        self._sites_at: dict = {}  # (x, y) -> profile.site_at(x, y)
        self._geometry = 0  # bumped whenever an atom moves, to reuse a pulse's blockade pairs
        self._close: tuple[int, tuple[np.ndarray, np.ndarray, np.ndarray]] | None = None
        self.stored_index = aod_rules.StoredAtoms(self.tol, self.xs, self.ys) if strict else None
        self.trap_neighbours = pulse_rules.TrapNeighbours(arch, self.radius) if strict else None
        self.on_trap_coords = True  # every stored atom stands at its trap's `arch.coords` (pulse_rules relies on it)

    # -------------------------------------------------------------- the state as arrays

    @property
    def pos(self) -> np.ndarray:
        """(n × 2) µm, a copy."""
        return np.array([self.xs, self.ys], dtype=np.float64).T.reshape(self.n, 2).copy()

    @property
    def in_aod(self) -> np.ndarray:
        return np.array(self._in_aod, dtype=bool)

    @property
    def trap(self) -> np.ndarray:
        return np.array(self.traps, dtype=np.int64)

    @property
    def loaded_at(self) -> np.ndarray:
        return np.array(self._loaded_at, dtype=np.int64)

    @property
    def transfers(self) -> np.ndarray:
        """Per atom, its loads plus its stores."""
        return np.array(self._transfers, dtype=np.int64)

    @property
    def in_laser(self) -> np.ndarray:
        """Whether each atom stands inside a laser region."""
        return np.array(self.lit, dtype=bool)

    def _inside(self, x: float, y: float) -> bool:
        """Whether (x, y) is inside some entanglement zone's laser (Architecture.in_laser, for a point)."""
        for (x0, y0), (x1, y1) in self._lasers:
            if x >= x0 and x <= x1 and y >= y0 and y <= y1:
                return True
        return False

    def _place(self, q: int, x: float, y: float) -> None:
        """Atom q now stands at (x, y): its position, and whether the laser reaches it."""
        self.xs[q], self.ys[q] = x, y
        lit = self._inside(x, y)
        if lit != self.lit[q]:
            if lit:
                self._lit_since[q] = self._pulses
                self.lit_atoms.add(q)
            else:
                self._lit_before[q] += self._pulses - self._lit_since[q]
                self.lit_atoms.discard(q)
            self.lit[q] = lit

    # -------------------------------------------------------------- descriptions for messages

    def at(self, q: int) -> str:
        return f"q{q} at {xy((self.xs[q], self.ys[q]))}"

    def trap_name(self, site: int) -> str:
        return self.gate_sites.name(site)

    def whereabouts(self, q: int) -> str:
        where = xy((self.xs[q], self.ys[q]))
        if self._in_aod[q]:
            return f"q{q} is in the AOD at {where}"
        if self.traps[q] >= 0:
            return f"q{q} is on {self.trap_name(self.traps[q])} at {where}"
        return f"q{q} is at {where}, on no trap"

    def fail(self, message: str, row: int | None, notes: Sequence[str] = ()) -> None:
        raise_at(message, row, self.locate, notes)

    def _distinct(self, op: str, atoms: list[int], rows) -> None:
        if len(atoms) < 2 or len(set(atoms)) == len(atoms):
            return
        atoms = np.asarray(atoms, dtype=np.int64)
        uniq, counts = np.unique(atoms, return_counts=True)
        q = int(uniq[counts > 1][0])
        second = np.flatnonzero(atoms == q)[1]
        self.fail(f"{op}: q{q} is listed twice in one group", None if rows is None else int(rows[second]))

    # -------------------------------------------------------------- transfers and moves

    def load(self, atoms: Sequence[int], rows: Sequence[int] | None = None) -> None:
        """Atoms leave their SLM traps for the AOD (one parallel transfer)."""
        atoms = _ints(atoms)
        if self.strict:
            self._distinct("load", atoms, rows)
            for q in atoms:
                if self._in_aod[q]:
                    since = self._loaded_at[q]
                    self.fail(f"load: q{q} is already in the AOD, at {xy((self.xs[q], self.ys[q]))}",
                              first_row(rows, atoms, (q,), None if rows is None else int(rows[0])),
                              (f"it was loaded at row {since}",) if since >= 0 else ())
        occupant, trap, stored = self.occupant, self.traps, self.stored_index
        for i, q in enumerate(atoms):
            t = trap[q]
            if t >= 0:
                occupant[t] = -1
                if stored is not None:
                    stored.remove(q)
            trap[q] = -1
            self._in_aod[q] = True
            self._loaded_at[q] = -1 if rows is None else int(rows[i])
            self.aod_atoms[q] = None
        for q in (atoms if len(atoms) < 2 or len(set(atoms)) == len(atoms) else dict.fromkeys(atoms)):
            self._transfers[q] += 1  # once per atom, listed twice or not
        if self.strict:
            grid = aod_rules.check_grid(self, "load", atoms, rows)
            aod_rules.check_crossings(self, rows, grid)

    def move(self, atoms: Sequence[int], targets: np.ndarray, rows: Sequence[int] | None = None) -> float:
        """The AOD carries `atoms` to `targets` (k × 2 µm); every other loaded atom stays. Returns the
        longest distance moved (the group's duration depends on it)."""
        atoms = _ints(atoms)
        targets = np.asarray(targets, dtype=np.float64).reshape(len(atoms), 2)
        return self.move_to(atoms, targets[:, 0].tolist(), targets[:, 1].tolist(), rows)

    def move_to(self, atoms: list[int], xs: list[float], ys: list[float], rows: Sequence[int] | None = None
                ) -> float:
        """`move` with the targets as two lists of floats (what the table's columns give)."""
        dx, dy = self.shift(atoms, xs, ys, rows)
        return float(np.hypot(dx, dy).max()) if dx else 0.0

    def shift(self, atoms: list[int], xs: list[float], ys: list[float], rows: Sequence[int] | None = None
              ) -> tuple[list[float], list[float]]:
        """`move_to`, returning the offsets (dx, dy) that may be the longest: the group's duration is
        max(np.hypot(dx, dy)) over them, which `trace` computes for every group in one numpy call
        (Python's math.hypot may differ from numpy's in the last bit)."""
        if self.strict:
            self._distinct("move", atoms, rows)
            for q in atoms:
                if not self._in_aod[q]:
                    self.fail(f"move: {self.whereabouts(q)}, not in the AOD: load it first",
                              first_row(rows, atoms, (q,), None if rows is None else int(rows[0])))
            total = sum(xs) + sum(ys)
            self.aod_finite = self.aod_finite and total - total == 0.0
            screened = aod_rules.move_screen(self, atoms, xs, ys)
            if not screened:
                aod_rules.check_order(self, atoms, xs, ys, rows)
        offsets = self._farthest(atoms, xs, ys)
        for q, x, y in zip(atoms, xs, ys):
            self._place(q, x, y)
        self._geometry += 1
        if self.strict and not screened:
            aod_rules.check_grid(self, "move", atoms, rows)
        return offsets

    def _farthest(self, atoms: list[int], xs: list[float], ys: list[float]) -> tuple[list[float], list[float]]:
        """The offsets of the atoms that may move farthest: those whose squared distance is within 1e-9 of
        the largest (all of them where squares cannot rank them: an offset not finite, or tiny)."""
        if len(atoms) == 1:
            q = atoms[0]
            return [xs[0] - self.xs[q]], [ys[0] - self.ys[q]]
        dx = [x - self.xs[q] for q, x in zip(atoms, xs)]
        dy = [y - self.ys[q] for q, y in zip(atoms, ys)]
        if not dx:
            return dx, dy
        d2 = [a * a + b * b for a, b in zip(dx, dy)]
        top = max(d2)
        if not (1e-280 < top and sum(d2) < math.inf):  # NaN, infinity, overflow, or squares too small to rank
            return dx, dy
        keep = [i for i, v in enumerate(d2) if v >= top * (1 - 1e-9)]
        return [dx[i] for i in keep], [dy[i] for i in keep]

    def store(self, atoms: Sequence[int], rows: Sequence[int] | None = None) -> None:
        """Atoms leave the AOD for the SLM trap at their position (one parallel transfer)."""
        atoms = _ints(atoms)
        first = None if rows is None else int(rows[0])
        if self.strict:
            self._distinct("store", atoms, rows)
        occupant, sites_at = self.occupant, self._sites_at
        for i, q in enumerate(atoms):
            if not self._in_aod[q]:
                if self.strict:
                    self.fail(f"store: {self.whereabouts(q)}, not in the AOD", first if rows is None else int(rows[i]))
                continue
            x, y = self.xs[q], self.ys[q]
            site = sites_at.get((x, y), sites_at)
            if site is sites_at:  # profile.site_at, remembered: atoms are stored on the same traps again and again
                site = sites_at[x, y] = self.profile.site_at(x, y)
                if site is not None and site.id < len(occupant):
                    self.on_trap_coords &= bool((self.arch.coords[site.id] == (site.x, site.y)).all())
            if site is None or site.id >= len(occupant):
                if self.strict:
                    (near, d), = self.profile.nearest_sites(x, y, 1) or [(None, 0.0)]
                    notes = (f"the nearest trap is site {near.id} at {xy((near.x, near.y))}, {d:.3f} µm away "
                             f"(coordinate_tolerance_um is {self.tol:g})",) if near is not None else ()
                    self.fail(f"store: {self.at(q)} µm is on no trap", first if rows is None else int(rows[i]), notes)
                site = None
            elif occupant[site.id] >= 0:
                if self.strict:
                    other = int(occupant[site.id])
                    self.fail(f"store: {self.at(q)} would share {self.trap_name(site.id)} with q{other}",
                              first if rows is None else int(rows[i]))
                site = None
            self._in_aod[q] = False
            del self.aod_atoms[q]
            if site is None:
                self.traps[q] = -1
            else:
                self.traps[q] = site.id
                occupant[site.id] = q
                if x != site.x or y != site.y:
                    self._place(q, site.x, site.y)
                if self.stored_index is not None:
                    self.stored_index.add(q)
            self._transfers[q] += 1
        self._geometry += 1

    # -------------------------------------------------------------- pulses

    def pulse(self, qubits: Sequence[int], row: int | None = None) -> Pulse:
        """One Rydberg pulse: a CZ on each pair (q0, q1), (q2, q3), …; atoms in the laser region and in
        no pair are driven without a partner (legal, and charged by the models that charge it).
        O(pairs) unless some atom is unpaired."""
        qubits = _ints(qubits)
        paired = qubits[: len(qubits) // 2 * 2]
        if self.strict:
            pulse_rules.check_pulse(self, paired, row)
        self._pulses += 1
        lit = self.lit
        listed = [q for q in qubits if lit[q]]
        for q in (listed if len(set(listed)) == len(listed) else dict.fromkeys(listed)):
            self._paired_lit[q] += 1
        unpaired = _NONE
        if len(self.lit_atoms) > len(listed):
            unpaired = np.array(sorted(self.lit_atoms.difference(qubits)), dtype=np.int64)
        where = self.gate_sites.zones_of_traps([self.traps[q] for q in paired[::2]])
        pairs = np.array(paired, dtype=np.int64).reshape(-1, 2)
        return Pulse(-1 if row is None else row, pairs, where, unpaired, len(self.lit_atoms))

    @property
    def pulses_in_laser(self) -> np.ndarray:
        """Per atom, the pulses during which it stood inside a laser region."""
        now = self._pulses
        return np.array([b + (now - s if lit else 0) for b, s, lit in zip(self._lit_before, self._lit_since, self.lit)],
                        dtype=np.int64)

    @property
    def unpaired(self) -> np.ndarray:
        """Per atom, the pulses that drove it without a partner (inside a laser region, in no pair)."""
        return self.pulses_in_laser - np.array(self._paired_lit, dtype=np.int64)

    def close_pairs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Atoms within the blockade radius of each other near the laser (pulse_rules.close_pairs),
        kept until an atom moves."""
        if self._close is None or self._close[0] != self._geometry:
            self._close = (self._geometry, pulse_rules.close_pairs(self.pos, self.arch, self.radius))
        return self._close[1]

    def sitting_pairs(self, zones: Sequence[int]) -> np.ndarray:
        """The atoms stored on both traps of a gate site of each of `zones`, as (left, right) pairs in
        gate-site order: the pairs a pulse over those zones entangles."""
        out = []
        for z in zones:
            zone = self.arch.zones[z]
            left, right = self.occupant[zone.left], self.occupant[zone.right]
            both = (left >= 0) & (right >= 0)
            out.append(np.stack([left[both], right[both]], axis=1))
        return np.concatenate(out) if out else np.zeros((0, 2), np.int64)

    def gate(self, qubits: Sequence[int], name: str, row: int | None = None) -> None:
        """A two-qubit gate row: illegal on a zoned device, where CZs run as Rydberg pulses."""
        if self.strict:
            a, b = (int(q) for q in qubits)
            self.fail(f"{name} q{a}, q{b} outside a rydberg row: on a zoned device two-qubit gates run as "
                      "Rydberg pulses (`rydberg` rows, QRYDBERG)", row)


# ---------------------------------------------------------------------------- replaying a table


class _Run:
    """A table ready to replay: the state, the events as columns (motion_events.event_columns) and the
    table's columns as lists; `apply(kind, start, stop)` replays one event and returns what it gave
    (a move: its candidate offsets, `Replay.shift`; a pulse: its `Pulse`)."""

    def __init__(self, table: GateTable, placement: Placement, profile, strict: bool) -> None:
        sites = placement.sites
        if sites is None:
            raise NavmError("a zoned program places atoms by site id (ISA 1.2); this circuit has coordinates")
        locate = table_locator(table)

        def decl_loc(q: int) -> SourceLocation | None:
            """Where qubit q is declared, else the first row that uses it."""
            loc = placement.decl_loc(q)
            uses = np.flatnonzero(table.qubits == q)
            if loc is None and uses.size:
                loc = locate(int(np.searchsorted(table.qubit_offsets, uses[0], side="right") - 1))
            return loc

        self.table = table
        self.state = Replay(profile, sites, strict=strict, locate=locate, decl_loc=decl_loc)
        self.kinds, self.starts, self.stops, self.numbers = event_columns(table, strict=strict, locate=locate)
        self.offsets, self.flat = table.qubit_offsets.tolist(), table.qubits.tolist()
        self.px, self.py = table.params[:, 1].tolist(), table.params[:, 2].tolist()

    def apply(self, kind: str, a: int, b: int):
        state = self.state
        atoms = self.flat[self.offsets[a]: self.offsets[b]]
        if kind == MOVE:
            return state.shift(atoms, self.px[a:b], self.py[a:b], range(a, b))
        if kind == LOAD:
            return state.load(atoms, range(a, b))
        if kind == STORE:
            return state.store(atoms, range(a, b))
        if kind == PULSE:
            return state.pulse(atoms, a)
        return state.gate(atoms, GATES[int(self.table.opcode[a])].name, a)


def steps(table: GateTable, placement: Placement, profile, *, strict: bool = True
          ) -> Iterator[tuple[Event, Replay, object]]:
    """Replay `table` from `placement`: after each event, (event, the state, what the event gave:
    a move's longest distance, a `Pulse`, else None). The state object is the same throughout;
    its arrays (`pos`, `trap`, …) are built afresh at each access."""
    run = _Run(table, placement, profile, strict)
    for kind, a, b, g in zip(run.kinds, run.starts, run.stops, run.numbers):
        result = run.apply(kind, a, b)
        if kind == MOVE:
            dx, dy = result
            result = float(np.hypot(dx, dy).max()) if dx else 0.0
        yield Event(kind, a, b, g), run.state, result


class Group(NamedTuple):
    """One motion group: its kind, rows `start` … `stop - 1`, and the longest move (0 for a transfer)."""

    kind: str
    start: int
    stop: int
    longest_um: float = 0.0

    @property
    def size(self) -> int:
        return self.stop - self.start


@dataclass(frozen=True)
class MotionTrace:
    """What the time and fidelity models read from a replay. Per group (in table order): `group_kind`,
    `group_start`, `group_stop` and `group_longest_um` (the longest move, 0 for a transfer); per atom:
    `transfers` (loads plus stores), `pulses_in_laser` (pulses during which it stood inside a laser
    region) and `unpaired` (pulses that drove it without a partner)."""

    num_qubits: int
    group_kind: np.ndarray
    group_start: np.ndarray
    group_stop: np.ndarray
    group_longest_um: np.ndarray
    pulses: list[Pulse]
    transfers: np.ndarray
    pulses_in_laser: np.ndarray
    unpaired: np.ndarray
    final_pos: np.ndarray = field(repr=False)

    @cached_property
    def groups(self) -> list[Group]:
        """The motion groups as objects."""
        return [Group(*g) for g in zip(self.group_kind.tolist(), self.group_start.tolist(),
                                       self.group_stop.tolist(), self.group_longest_um.tolist())]

    @property
    def num_groups(self) -> int:
        return len(self.group_kind)

    def count(self, kind: str) -> int:
        """Number of groups of `kind` (load, move or store)."""
        return int((self.group_kind == kind).sum())

    @property
    def total_transfers(self) -> int:
        return int(self.transfers.sum())

    @property
    def cz(self) -> int:
        """CZs: pairs over every pulse (not pulses)."""
        return sum(len(p.pairs) for p in self.pulses)

    @property
    def unpaired_exposures(self) -> int:
        return int(self.unpaired.sum())


def trace(table: GateTable, placement: Placement, profile, *, strict: bool = False) -> MotionTrace:
    """Replay the whole table (`strict`: raising at the first violation) and keep the models' data."""
    run = _Run(table, placement, profile, strict)
    pulses: list[Pulse] = []
    moves: list[int] = []  # per move group with atoms: its event, and where its candidate offsets start
    first: list[int] = []
    dx: list[float] = []  # the candidate offsets of every move group, one group after another
    dy: list[float] = []
    with gc_paused():  # many small acyclic objects: collections would only walk the module's
        for i, (kind, a, b) in enumerate(zip(run.kinds, run.starts, run.stops)):
            result = run.apply(kind, a, b)
            if kind == MOVE:
                if result[0]:
                    moves.append(i)
                    first.append(len(dx))
                    dx += result[0]
                    dy += result[1]
            elif kind == PULSE:
                pulses.append(result)
    longest = np.zeros(len(run.kinds))
    if moves:
        longest[moves] = np.maximum.reduceat(np.hypot(dx, dy), first)
    motion = [i for i, kind in enumerate(run.kinds) if kind in MOTION_KINDS]
    state = run.state
    return MotionTrace(placement.num_qubits, np.array([run.kinds[i] for i in motion], dtype="<U5"),
                       np.array(run.starts, dtype=np.int64)[motion], np.array(run.stops, dtype=np.int64)[motion],
                       longest[motion], pulses, state.transfers, state.pulses_in_laser, state.unpaired, state.pos)


def check(table: GateTable, placement: Placement, profile) -> MotionTrace:
    """`trace` with every legality rule checked: a located NavmError at the first violation."""
    return trace(table, placement, profile, strict=True)
