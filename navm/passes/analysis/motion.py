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

Cost: numpy work per event, not per row; a pulse costs O(pairs) unless some atom is
unpaired, and its blockade check is computed once per arrangement of the atoms.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

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
    events,
    first_row,
    raise_at,
    table_locator,
    xy,
    zoned_architecture,
)

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


class Replay:
    """Atoms of a zoned program, step by step: `pos` (n × 2 µm), `in_aod`, and `trap` (the site id
    of the SLM trap each atom sits in, -1 while in the AOD or, replaying leniently, off every
    trap). Each method applies one event; `atoms` are qubit indices and `rows` the row of each
    (for error locations). `strict` checks the legality rules of docs/zoned.md as it goes."""

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
        self.pos = arch.coords[sites].copy() if self.n else np.zeros((0, 2))
        self.in_aod = np.zeros(self.n, bool)
        self.trap = sites.copy()
        self.loaded_at = np.full(self.n, -1, dtype=np.int64)
        self.in_laser = np.asarray(arch.in_laser(self.pos[:, 0], self.pos[:, 1]), bool)
        self.transfers = np.zeros(self.n, dtype=np.int64)
        self._pulses_in_laser = np.zeros(self.n, dtype=np.int64)
        self._paired_lit = np.zeros(self.n, dtype=np.int64)  # pulses that paired the atom inside the laser
        self._lit_pulses = 0  # pulses since the laser's atoms last changed
        self._lit_count: int | None = None
        self.partner = np.full(self.n, -1, dtype=np.int64)
        self.gate_sites = pulse_rules.GateSites(arch)
        self._geometry = 0  # bumped whenever an atom moves, to reuse a pulse's blockade pairs
        self._close: tuple[int, tuple[np.ndarray, np.ndarray, np.ndarray]] | None = None

    # -------------------------------------------------------------- descriptions for messages

    def at(self, q: int) -> str:
        return f"q{q} at {xy(self.pos[q])}"

    def trap_name(self, site: int) -> str:
        return self.gate_sites.name(site)

    def whereabouts(self, q: int) -> str:
        if self.in_aod[q]:
            return f"q{q} is in the AOD at {xy(self.pos[q])}"
        if self.trap[q] >= 0:
            return f"q{q} is on {self.trap_name(int(self.trap[q]))} at {xy(self.pos[q])}"
        return f"q{q} is at {xy(self.pos[q])}, on no trap"

    def fail(self, message: str, row: int | None, notes: Sequence[str] = ()) -> None:
        raise_at(message, row, self.locate, notes)

    def _distinct(self, op: str, atoms: np.ndarray, rows) -> None:
        uniq, first, counts = np.unique(atoms, return_index=True, return_counts=True)
        if (counts > 1).any():
            q = int(uniq[counts > 1][0])
            second = np.flatnonzero(atoms == q)[1]
            self.fail(f"{op}: q{q} is listed twice in one group", None if rows is None else int(rows[second]))

    # -------------------------------------------------------------- transfers and moves

    def load(self, atoms: Sequence[int], rows: Sequence[int] | None = None) -> None:
        """Atoms leave their SLM traps for the AOD (one parallel transfer)."""
        atoms = np.asarray(atoms, dtype=np.int64)
        first = None if rows is None else int(rows[0])
        if self.strict:
            self._distinct("load", atoms, rows)
            loaded = atoms[self.in_aod[atoms]]
            if loaded.size:
                q = int(loaded[0])
                since = int(self.loaded_at[q])
                self.fail(f"load: q{q} is already in the AOD, at {xy(self.pos[q])}",
                          first_row(rows, atoms, (q,), first),
                          (f"it was loaded at row {since}",) if since >= 0 else ())
        traps = self.trap[atoms]
        self.occupant[traps[traps >= 0]] = -1
        self.trap[atoms] = -1
        self.in_aod[atoms] = True
        self.loaded_at[atoms] = -1 if rows is None else np.asarray(rows)
        self.transfers[atoms] += 1
        if self.strict:
            aod_rules.check_grid(self, "load", atoms, rows)
            aod_rules.check_crossings(self, rows)

    def move(self, atoms: Sequence[int], targets: np.ndarray, rows: Sequence[int] | None = None) -> float:
        """The AOD carries `atoms` to `targets` (k × 2 µm); every other loaded atom stays. Returns the
        longest distance moved (the group's duration depends on it)."""
        atoms = np.asarray(atoms, dtype=np.int64)
        targets = np.asarray(targets, dtype=np.float64).reshape(len(atoms), 2)
        first = None if rows is None else int(rows[0])
        if self.strict:
            self._distinct("move", atoms, rows)
            out = atoms[~self.in_aod[atoms]]
            if out.size:
                q = int(out[0])
                self.fail(f"move: {self.whereabouts(q)}, not in the AOD: load it first",
                          first_row(rows, atoms, (q,), first))
            aod_rules.check_order(self, atoms, targets, rows)
        longest = float(np.hypot(*(targets - self.pos[atoms]).T).max()) if len(atoms) else 0.0
        self._laser_changes()
        self.pos[atoms] = targets
        self.in_laser[atoms] = self.arch.in_laser(targets[:, 0], targets[:, 1])
        self._geometry += 1
        if self.strict:
            aod_rules.check_grid(self, "move", atoms, rows)
        return longest

    def store(self, atoms: Sequence[int], rows: Sequence[int] | None = None) -> None:
        """Atoms leave the AOD for the SLM trap at their position (one parallel transfer)."""
        atoms = np.asarray(atoms, dtype=np.int64)
        first = None if rows is None else int(rows[0])
        if self.strict:
            self._distinct("store", atoms, rows)
        for i, q in enumerate(atoms.tolist()):
            row = first if rows is None else int(rows[i])
            if not self.in_aod[q]:
                if self.strict:
                    self.fail(f"store: {self.whereabouts(q)}, not in the AOD", row)
                continue
            x, y = self.pos[q]
            site = self.profile.site_at(float(x), float(y))
            if site is None or site.id >= len(self.occupant):
                if self.strict:
                    (near, d), = self.profile.nearest_sites(float(x), float(y), 1) or [(None, 0.0)]
                    notes = (f"the nearest trap is site {near.id} at {xy((near.x, near.y))}, {d:.3f} µm away "
                             f"(coordinate_tolerance_um is {self.tol:g})",) if near is not None else ()
                    self.fail(f"store: {self.at(q)} µm is on no trap", row, notes)
                self.in_aod[q], self.trap[q] = False, -1
            elif self.occupant[site.id] >= 0:
                if self.strict:
                    other = int(self.occupant[site.id])
                    self.fail(f"store: {self.at(q)} would share {self.trap_name(site.id)} with q{other}", row)
                self.in_aod[q], self.trap[q] = False, -1
            else:
                self.in_aod[q], self.trap[q] = False, site.id
                self.occupant[site.id] = q
                if self.pos[q, 0] != site.x or self.pos[q, 1] != site.y:
                    self._laser_changes()
                    self.pos[q] = (site.x, site.y)
                    self.in_laser[q] = self.arch.in_laser(site.x, site.y)
            self.transfers[q] += 1
        self._geometry += 1

    # -------------------------------------------------------------- pulses

    def pulse(self, qubits: Sequence[int], row: int | None = None) -> Pulse:
        """One Rydberg pulse: a CZ on each pair (q0, q1), (q2, q3), …; atoms in the laser region and in
        no pair are driven without a partner (legal, and charged by the models that charge it).
        O(pairs) unless some atom is unpaired: the laser's atoms are counted once per arrangement."""
        qubits = np.asarray(qubits, dtype=np.int64)
        pairs = qubits[: len(qubits) // 2 * 2].reshape(-1, 2)
        if self.strict:
            pulse_rules.check_pulse(self, pairs, row)
        if self._lit_count is None:
            self._lit_count = int(self.in_laser.sum())
        self._lit_pulses += 1
        lit_pairs = qubits[self.in_laser[qubits]]
        self._paired_lit[lit_pairs] += 1
        unpaired = _NONE
        if self._lit_count > len(lit_pairs):
            mask = self.in_laser.copy()
            mask[qubits] = False
            unpaired = np.flatnonzero(mask)
        where = self.gate_sites.zones_of(self.trap[pairs[:, 0]])
        return Pulse(-1 if row is None else row, pairs, where, unpaired, self._lit_count)

    def _laser_changes(self) -> None:
        """Before an atom's laser membership may change: book the pulses of the arrangement that ends."""
        if self._lit_pulses:
            self._pulses_in_laser[self.in_laser] += self._lit_pulses
            self._lit_pulses = 0
        self._lit_count = None

    @property
    def pulses_in_laser(self) -> np.ndarray:
        """Per atom, the pulses during which it stood inside a laser region."""
        self._laser_changes()
        return self._pulses_in_laser

    @property
    def unpaired(self) -> np.ndarray:
        """Per atom, the pulses that drove it without a partner (inside a laser region, in no pair)."""
        return self.pulses_in_laser - self._paired_lit

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


def steps(table: GateTable, placement: Placement, profile, *, strict: bool = True
          ) -> Iterator[tuple[Event, Replay, object]]:
    """Replay `table` from `placement`: after each event, (event, the state, what the event gave:
    a move's longest distance, a `Pulse`, else None). The state object is the same throughout;
    copy its arrays to keep them."""
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

    state = Replay(profile, sites, strict=strict, locate=locate, decl_loc=decl_loc)
    offsets, flat, params = table.qubit_offsets, table.qubits, table.params
    for ev in events(table, strict=strict, locate=locate):
        atoms = flat[offsets[ev.start]: offsets[ev.stop]]
        rows = np.arange(ev.start, ev.stop)
        if ev.kind == LOAD:
            yield ev, state, state.load(atoms, rows)
        elif ev.kind == MOVE:
            yield ev, state, state.move(atoms, params[ev.start: ev.stop, 1:3], rows)
        elif ev.kind == STORE:
            yield ev, state, state.store(atoms, rows)
        elif ev.kind == PULSE:
            yield ev, state, state.pulse(atoms, ev.start)
        else:
            yield ev, state, state.gate(atoms, GATES[int(table.opcode[ev.start])].name, ev.start)


@dataclass(frozen=True)
class Group:
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
    """What the time and fidelity models read from a replay. Per atom: `transfers` (loads plus
    stores), `pulses_in_laser` (pulses during which it stood inside a laser region) and `unpaired`
    (pulses that drove it without a partner)."""

    num_qubits: int
    groups: list[Group]
    pulses: list[Pulse]
    transfers: np.ndarray
    pulses_in_laser: np.ndarray
    unpaired: np.ndarray
    final_pos: np.ndarray = field(repr=False)

    def count(self, kind: str) -> int:
        """Number of groups of `kind` (load, move or store)."""
        return sum(1 for g in self.groups if g.kind == kind)

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
    groups: list[Group] = []
    pulses: list[Pulse] = []
    state = None
    for ev, state, result in steps(table, placement, profile, strict=strict):
        if ev.kind in MOTION_KINDS:
            groups.append(Group(ev.kind, ev.start, ev.stop, result if ev.kind == MOVE else 0.0))
        elif ev.kind == PULSE:
            pulses.append(result)
    if state is None:
        state = Replay(profile, placement.sites, strict=strict, decl_loc=placement.decl_loc)
    return MotionTrace(placement.num_qubits, groups, pulses, state.transfers.copy(), state.pulses_in_laser.copy(),
                       state.unpaired.copy(), state.pos.copy())


def check(table: GateTable, placement: Placement, profile) -> MotionTrace:
    """`trace` with every legality rule checked: a located NavmError at the first violation."""
    return trace(table, placement, profile, strict=True)
