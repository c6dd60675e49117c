""".naviz text (MQT QMAP 3.11's zoned output) → an ISA 1.2 navm module for a zoned device.

So that navm scores another compiler's program with its own legality check and models
(`navm evaluate`), the program becomes the IR navm's passes write:

- `atom (x, y) atomN`: qubit N (QMAP names atoms after their qubit; other names are
  numbered in the order declared), placed on the trap at (x, y) (within the profile's
  coordinate tolerance);
- `u θ φ λ` → `u3(θ, φ, λ)`; `rz θ` → `rz` where the device has a native `rz`, else
  `u3(0, 0, θ)`; `ry θ` → `ry` or `u3(θ, 0, 0)`; a `global` target means every atom, in
  qubit order (QMAP writes global RY that way);
- each `load`, `move`, `store` operation → one group of `load`/`move`/`store` rows, groups
  numbered 0, 1, 2, … in file order;
- `cz zone_czK` (one or more zones) → one `rydberg` row whose pairs are the atoms stored on
  both traps of each gate site of those zones at that moment, found by replaying the
  motion so far (navm/passes/analysis/motion.py), in gate-site order, left trap first.

Only the sequential timeline QMAP writes (`@+`) is read. Every row keeps the position of
the line it came from, so `move-check` errors point into the .naviz file.
"""

from __future__ import annotations

import re

import numpy as np
from xdsl.dialects.builtin import ModuleOp, StringAttr

from navm.backends.naviz.syntax import AtomDecl, Member, Operation, parse_naviz
from navm.diagnostics import NavmError
from navm.ir.circuit_table import Placement, TableBuilder
from navm.ir.gates import OPCODE
from navm.ir.navm import DEVICE_ATTR, ISA_ATTR, CircuitOp
from navm.passes.analysis.motion import Replay
from navm.passes.analysis.motion_events import zoned_architecture

OPERATIONS = ("u", "rz", "ry", "cz", "load", "move", "store")
_ATOM_NAME = re.compile(r"atom(\d+)")
_PARAMS = {"u": 3, "rz": 1, "ry": 1, "cz": 0, "load": 0, "move": 0, "store": 0}


def read_naviz_file(path, profile, device: str) -> ModuleOp:
    """Read a .naviz file (through navm's one source reader: UTF-8, BOM, NUL checks)."""
    from navm.frontend.source_text import read_source_text

    return read_naviz(read_source_text(path), str(path), profile, device)


def read_naviz(text: str, file: str, profile, device: str) -> ModuleOp:
    """The module of a .naviz text for `profile` (a zoned device), `device` naming it in the module."""
    zoned_architecture(profile)
    atoms, ops = parse_naviz(text, file)
    qubit = _qubits(atoms)
    sites = _sites(atoms, qubit, profile)
    reader = _Reader(profile, qubit, sites)
    for op in ops:
        reader.operation(op)
    decl_locs = [None] * len(atoms)
    for a in atoms:
        decl_locs[qubit[a.name]] = a.loc
    circuit = CircuitOp.build(reader.rows.build(), Placement(len(atoms), sites=sites, decl_locs=tuple(decl_locs)))
    module = ModuleOp([circuit])
    module.attributes[ISA_ATTR] = StringAttr("1.2")
    module.attributes[DEVICE_ATTR] = StringAttr(device)
    return module


def _qubits(atoms: list[AtomDecl]) -> dict[str, int]:
    """Atom name → qubit: N for QMAP's `atomN` names when they number 0 … n-1, else declaration order."""
    seen: dict[str, AtomDecl] = {}
    for a in atoms:
        if a.name in seen:
            raise NavmError(f"atom '{a.name}' is declared twice", a.name_loc,
                            notes=(f"first declared at {seen[a.name].loc}",))
        seen[a.name] = a
    numbers = [_ATOM_NAME.fullmatch(a.name) for a in atoms]
    if all(numbers) and sorted(int(m.group(1)) for m in numbers) == list(range(len(atoms))):
        return {a.name: int(m.group(1)) for a, m in zip(atoms, numbers)}
    return {a.name: q for q, a in enumerate(atoms)}


def _sites(atoms: list[AtomDecl], qubit: dict[str, int], profile) -> np.ndarray:
    sites = np.full(len(atoms), -1, dtype=np.int64)
    taken: dict[int, AtomDecl] = {}
    for a in atoms:
        x, y = a.position
        site = profile.site_at(x, y)
        if site is None:
            near = profile.nearest_sites(x, y, 1)
            notes = (f"the nearest trap is site {near[0][0].id} at ({near[0][0].x:.3f}, {near[0][0].y:.3f}), "
                     f"{near[0][1]:.3f} µm away",) if near else ()
            raise NavmError(f"atom '{a.name}' at ({x:.3f}, {y:.3f}) is on no trap of device '{profile.name}'",
                            a.loc, notes=notes)
        if site.id in taken:
            raise NavmError(f"atom '{a.name}' starts on the trap of atom '{taken[site.id].name}' (site {site.id})",
                            a.loc)
        taken[site.id] = a
        sites[qubit[a.name]] = site.id
    return sites


class _Reader:
    """Turns operations into rows, replaying the motion to find each pulse's pairs."""

    def __init__(self, profile, qubit: dict[str, int], sites: np.ndarray) -> None:
        self.profile, self.qubit = profile, qubit
        self.arch = profile.architecture
        self.state = Replay(profile, sites, strict=False)
        self.rows = TableBuilder()
        self.group = 0
        self.zone_names = {f"zone_cz{k}": k for k in range(len(self.arch.zones))}
        self.zone_names.update({zone.name: k for k, zone in enumerate(self.arch.zones)})

    def operation(self, op: Operation) -> None:
        if op.timing != "@+":
            raise NavmError(f"timing '{op.timing}' is not supported: navm reads the sequential '@+' timeline "
                            "that QMAP writes", op.timing_loc)
        if op.name not in OPERATIONS:
            raise NavmError(f"unknown operation '{op.name}'; navm reads {', '.join(OPERATIONS)}", op.name_loc)
        for m in op.members:
            if len(m.params) != _PARAMS[op.name]:
                raise NavmError(f"'{op.name}' takes {_PARAMS[op.name]} parameter(s), got {len(m.params)}", m.loc)
            if (m.position is not None) != (op.name == "move"):
                raise NavmError("'move' needs a target position (x, y) before each atom" if op.name == "move" else
                                f"'{op.name}' takes no position", m.loc)
        if op.name == "cz":
            self._pulse(op)
        elif op.name in ("load", "move", "store"):
            self._motion(op)
        else:
            self._one_qubit(op)

    def _atom(self, m: Member) -> int:
        if m.name not in self.qubit:
            known = ", ".join(sorted(self.qubit, key=self.qubit.get)[:6])
            raise NavmError(f"unknown atom '{m.name}'", m.name_loc,
                            notes=(f"declared atoms: {known}{' …' if len(self.qubit) > 6 else ''}",) if known else
                            ("the program declares no atoms (`atom (x, y) NAME`)",))
        return self.qubit[m.name]

    def _one_qubit(self, op: Operation) -> None:
        gates = self.profile.gates
        for m in op.members:
            targets = range(len(self.qubit)) if m.name == "global" else (self._atom(m),)
            if op.name == "u":
                name, params = "u3", m.params
            elif gates.is_native(op.name):
                name, params = op.name, m.params
            else:
                name, params = "u3", ((0.0, 0.0, m.params[0]) if op.name == "rz" else (m.params[0], 0.0, 0.0))
            for q in targets:
                self.rows.add(OPCODE[name], (q,), params, loc=m.loc)

    def _motion(self, op: Operation) -> None:
        atoms = [self._atom(m) for m in op.members]
        seen: set[int] = set()
        for q, m in zip(atoms, op.members):
            if q in seen:
                raise NavmError(f"'{m.name}' is listed twice in one '{op.name}'", m.name_loc)
            seen.add(q)
        code = OPCODE[op.name]
        for q, m in zip(atoms, op.members):
            params = (self.group, *m.position) if op.name == "move" else (self.group,)
            self.rows.add(code, (q,), params, loc=m.loc)
        if op.name == "load":
            self.state.load(atoms)
        elif op.name == "store":
            self.state.store(atoms)
        else:
            self.state.move(atoms, np.array([m.position for m in op.members]))
        self.group += 1

    def _pulse(self, op: Operation) -> None:
        zones = []
        for m in op.members:
            if m.name not in self.zone_names:
                raise NavmError(f"unknown zone '{m.name}'; device '{self.profile.name}' has "
                                f"{', '.join(f'zone_cz{k}' for k in range(len(self.arch.zones)))}", m.name_loc)
            zones.append(self.zone_names[m.name])
        pairs = self.state.sitting_pairs(sorted(set(zones)))
        if not len(pairs):
            raise NavmError(f"'cz' on {', '.join(m.name for m in op.members)}: no gate site holds two atoms "
                            "at this point, so the pulse entangles nothing and has no navm form", op.loc)
        qubits = pairs.reshape(-1).tolist()
        self.rows.add(OPCODE["rydberg"], qubits, loc=op.loc)
        self.state.pulse(qubits)
