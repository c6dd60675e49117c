"""An ISA 1.2 navm circuit → .naviz text, exactly as MQT QMAP 3.11 writes it.

So that navm's zoned programs open in the tools that read QMAP's output (and can be
compared line by line with it), the writer copies QMAP's printer (src/na/ir in the
mqt-qmap 3.11.0 sources): one `atom (x, y) atomN` line per qubit, sorted by x then y (QMAP
keeps them in a std::map keyed by position), then one `@+` line per operation:

    @+ u θ φ λ atomN          a u3 (any other 1-qubit gate is written as its u3)
    @+ rz θ atomN             an rz, or a u3(0, 0, θ) (what the reader makes of QMAP's rz)
    @+ load atomN             a load group of one atom; of several:  @+ load [ … ]
    @+ move (x, y) atomN      a move group, each member with its destination
    @+ store atomN
    @+ cz zone_cz0            a rydberg row: the entanglement zone(s) its pairs stand in

Groups of two or more are bracketed, one member per line indented by four spaces, `]`
alone on the last line. Positions have 3 decimals and angles 5 (C++'s std::fixed).
QMAP's format has no measurement, reset or noise: measurements, barriers, noise channels
and annotations are left out; a reset or a two-qubit gate outside a pulse is an error.

Reading the text back (reader.py) gives the same program when its angles and positions
have at most 5 and 3 decimals, its groups are numbered 0, 1, 2, … and each pulse lists its
pairs in gate-site order, left trap first (the order the reader finds them in).
"""

from __future__ import annotations

from navm.diagnostics import NavmError
from navm.ir.circuit_table import GateTable, Placement
from navm.ir.gates import GATES
from navm.ir.unitaries import gate_matrices, u3_angles
from navm.passes.analysis.motion import steps
from navm.passes.analysis.motion_events import MOTION_KINDS, PULSE, TWO_QUBIT_GATE, table_locator, zoned_architecture

_SKIPPED = frozenset({"measure", "barrier", "noise", "annotation"})


def _xy(x: float, y: float) -> str:
    return f"({x:.3f}, {y:.3f})"


def _op(name: str, members: list[str]) -> str:
    """One operation in QMAP's form: on one line for one member, bracketed for more."""
    if len(members) == 1:
        return f"@+ {name} {members[0]}"
    return f"@+ {name} [\n" + "".join(f"    {m}\n" for m in members) + "]"


def write_naviz(table: GateTable, placement: Placement, profile) -> str:
    """The .naviz text of a zoned circuit placed on `profile`'s traps."""
    arch = zoned_architecture(profile)
    if placement.sites is None or (placement.sites < 0).any():
        raise NavmError("--emit naviz needs every atom on a trap (an ISA 1.2 program placed by site id)")
    locate = table_locator(table)
    coords = arch.coords[placement.sites]
    lines = [f"atom {_xy(x, y)} atom{q}" for (x, y), q in
             sorted(zip(map(tuple, coords.tolist()), range(placement.num_qubits)))]
    groups, zones = {}, {}
    for ev, _, result in steps(table, placement, profile, strict=False):
        if ev.kind in MOTION_KINDS:
            groups[ev.start] = ev
        elif ev.kind == PULSE:
            zones[ev.start] = result.zones
        elif ev.kind == TWO_QUBIT_GATE:
            raise NavmError(f"'{GATES[int(table.opcode[ev.start])].name}' outside a 'rydberg' row has no .naviz form: "
                            "on a zoned device CZs run as Rydberg pulses", locate(ev.start))
    names = [GATES[c].name for c in table.opcode.tolist()]
    kinds = [GATES[c].kind for c in table.opcode.tolist()]
    offsets, flat, params = table.qubit_offsets.tolist(), table.qubits.tolist(), table.params
    other = [i for i, (n, k) in enumerate(zip(names, kinds)) if k == "gate" and n not in ("u3", "rz")]
    matrices = dict(zip(other, gate_matrices([names[i] for i in other], params[other]))) if other else {}
    i = 0
    while i < len(table):
        name, kind, q = names[i], kinds[i], flat[offsets[i]] if offsets[i + 1] > offsets[i] else -1
        if i in groups:
            ev = groups[i]
            atoms = flat[offsets[ev.start]: offsets[ev.stop]]
            if ev.kind == "move":
                members = [f"{_xy(x, y)} atom{a}" for a, (x, y) in zip(atoms, params[ev.start:ev.stop, 1:3].tolist())]
            else:
                members = [f"atom{a}" for a in atoms]
            lines.append(_op(ev.kind, members))
            i = ev.stop
            continue
        if name == "u3" and params[i, 0] == 0.0 and params[i, 1] == 0.0:  # diagonal: QMAP's rz
            lines.append(_op("rz", [f"{params[i, 2]:.5f} atom{q}"]))
        elif name == "u3":
            lines.append(_op("u", [f"{params[i, 0]:.5f} {params[i, 1]:.5f} {params[i, 2]:.5f} atom{q}"]))
        elif name == "rz":
            lines.append(_op("rz", [f"{params[i, 0]:.5f} atom{q}"]))
        elif i in matrices:
            theta, phi, lam = u3_angles(matrices[i])
            lines.append(_op("u", [f"{theta:.5f} {phi:.5f} {lam:.5f} atom{q}"]))
        elif name == "rydberg":
            where = zones[i]
            if not where:
                raise NavmError("this pulse's pairs stand on no gate site, so it names no zone: run `move-check`",
                                locate(i))
            lines.append(_op("cz", [f"zone_cz{z}" for z in where]))
        elif kind not in _SKIPPED:
            raise NavmError(f"'{name}' has no .naviz form (QMAP's format has no {name})", locate(i))
        i += 1
    return "".join(line + "\n" for line in lines)


def module_to_naviz(module, profile) -> str:
    """The .naviz text of a compiled module's one circuit (an ISA 1.2 program)."""
    from navm.ir.navm import CircuitOp, isa_version

    if isa_version(module) != "1.2":
        raise NavmError(f"--emit naviz writes zoned programs (ISA 1.2, atom motion), and the compiled program is "
                        f"ISA {isa_version(module)}",
                        notes=("the zoned passes (stage, zoned-place, move-route) write atom motion; "
                               "`navm opt -p` runs them",))
    (op,) = [o for o in module.body.block.ops if isinstance(o, CircuitOp)]
    return write_naviz(op.gate_table, op.qubit_placement, profile)
