"""Lowering a `navm.circuit` gate table to a `stim.Circuit`.

One stim instruction per row, written as stim text and parsed once (stim
merges neighbouring instructions of the same kind itself). The mapping, and
the approximations for atom loss and readout flips, are in docs/backends/stim.md.
"""

from __future__ import annotations

import stim
from xdsl.dialects.builtin import ModuleOp

from navm.backends.stim.clifford import FIXED_GATES, rotation_gate
from navm.backends.stim.coords import coords_lines
from navm.backends.single_circuit import single_circuit
from navm.backends.table_rows import check_qubits, row_at
from navm.diagnostics import NavmError
from navm.ir.circuit_table import GateTable, Placement, Row
from navm.ir.gates import GATES
from navm.ir.navm import device_name
from navm.devices import DeviceProfile, load_profile

LOSS_MODELS = ("heralded", "depolarize", "ignore")
_PAULI_ERRORS = ("X_ERROR", "Y_ERROR", "Z_ERROR")
NOT_CLIFFORD_NOTE = ("stim simulates Clifford gates only: rotations by multiples of π/2 "
                     "(t and tdg never are); use the statevector backend for this circuit")


def to_stim(
    table: GateTable,
    num_qubits: int,
    *,
    placement: Placement | None = None,
    profile: DeviceProfile | None = None,
    loss: str = "heralded",
) -> stim.Circuit:
    """The stim circuit of a gate table; `placement` (and `profile` for ISA 1.1 site
    ids) give QUBIT_COORDS. `loss` picks how `noise.loss` rows are approximated."""
    if loss not in LOSS_MODELS:
        raise NavmError(f"unknown loss model '{loss}'; choose one of: {', '.join(LOSS_MODELS)}")
    header = coords_lines(placement, profile) if placement is not None else []
    return stim.Circuit("\n".join(header + _lower_rows(table, num_qubits, loss)))


def module_to_stim(
    module: ModuleOp, *, profile: DeviceProfile | None = None, loss: str = "heralded"
) -> stim.Circuit:
    """The stim circuit of an unrolled module's single `navm.circuit`. Site ids are
    turned into coordinates with `profile`, else with the module's `navm.device`."""
    op = single_circuit(module, "the stim backend", "run unroll first")
    placement = op.qubit_placement
    if profile is None and placement.sites is not None and (name := device_name(module)) is not None:
        profile = load_profile(name)
    return to_stim(op.gate_table, placement.num_qubits, placement=placement, profile=profile, loss=loss)


def describe(row: Row) -> str:
    """`rz(0.3) q0`: a row as the IR prints it, for messages."""
    params = f"({', '.join(repr(p) for p in row.params)})" if row.params else ""
    return f"{row.name}{params} {', '.join(f'q{q}' for q in row.qubits)}".rstrip()


def _flip(p_old: float, p_new: float) -> float:
    """Two independent readout flips: the record flips if exactly one fires."""
    return p_old * (1 - p_new) + p_new * (1 - p_old)


def _lower_rows(table: GateTable, num_qubits: int, loss: str) -> list[str]:
    """One line of stim text per row. Works on the table's columns directly (building a
    `Row` per row would double the cost); `Row`s are made only for error messages."""
    check_qubits(table, num_qubits, describe)
    opcode = table.opcode.tolist()
    offsets = table.qubit_offsets.tolist()
    qubits = table.qubits.tolist()
    params = table.params.tolist()
    rec_offsets = table.record_offsets.tolist()
    records = table.records.tolist()
    lines: list[str] = []
    flips: dict[int, float] = {}
    stim_record: list[int] = []  # navm record k -> its index in stim's record stream
    n_stim = 0  # records in stim's stream so far (heralded loss adds its own)
    gate_names: dict[tuple, str] = {}
    for i, code in enumerate(opcode):
        g = GATES[code]
        kind = g.kind
        qs = qubits[offsets[i] : offsets[i + 1]]
        targets = " ".join(map(str, qs))
        if kind == "gate":
            key = (code, *params[i][: g.n_params])
            name = gate_names.get(key)
            if name is None:
                name = gate_names[key] = _gate_name(row_at(table, i))
            lines.append(f"{name} {targets}")
        elif kind == "measure":
            p = flips.get(qs[0], 0.0)
            lines.append(f"M({p!r}) {targets}" if p else f"M {targets}")
            stim_record.append(n_stim)
            n_stim += 1
        elif kind == "reset":
            lines.append(f"R {targets}")
        elif kind == "barrier":
            lines.append("TICK")
        elif kind == "pulse":
            lines.append(f"CZ {targets}")  # the pairs (q0, q1), (q2, q3), …
        elif kind == "motion":
            continue  # atom motion moves atoms, not their states; its errors are noise rows
        elif kind == "noise":
            line = _noise_line(g.name, params[i][: g.n_params], targets, loss)
            if g.name == "readout_flip":
                flips[qs[0]] = _flip(flips.get(qs[0], 0.0), params[i][0])
            elif g.name == "loss" and loss == "heralded":
                n_stim += 1
            if line:
                lines.append(line)
        elif kind == "annotation":
            looks = []
            for k in records[rec_offsets[i] : rec_offsets[i + 1]]:
                if not 0 <= k < len(stim_record):
                    raise NavmError(f"{g.name} names rec[{k}], but only {len(stim_record)} "
                                    "measurement(s) come before it", row_at(table, i).loc)
                looks.append(f"rec[{stim_record[k] - n_stim}]")
            head = "DETECTOR" if g.name == "detector" else f"OBSERVABLE_INCLUDE({int(params[i][0])})"
            lines.append(f"{head} {' '.join(looks)}")
        else:  # macro
            raise NavmError(f"the stim backend cannot lower the macro '{g.name}': run unroll first",
                            row_at(table, i).loc)
    return lines


def _gate_name(row: Row) -> str:
    name = FIXED_GATES.get(row.name)
    if name is None and row.params:
        name = rotation_gate(row.name, tuple(row.params))
    if name is None:
        raise NavmError(
            f"stim needs a Clifford circuit: {describe(row)} is not Clifford",
            row.loc,
            notes=(NOT_CLIFFORD_NOTE,),
        )
    return name


def _noise_line(name: str, p: list[float], targets: str, loss: str) -> str | None:
    if name == "pauli":
        nonzero = [k for k, x in enumerate(p) if x]
        if len(nonzero) == 1:
            return f"{_PAULI_ERRORS[nonzero[0]]}({p[nonzero[0]]!r}) {targets}"
        return f"PAULI_CHANNEL_1({p[0]!r}, {p[1]!r}, {p[2]!r}) {targets}"
    if name == "depolarize":
        return f"DEPOLARIZE1({p[0]!r}) {targets}"
    if name == "depolarize2":
        return f"DEPOLARIZE2({p[0]!r}) {targets}"
    if name == "readout_flip":
        return None  # raises the flip probability of later measurements instead
    if name == "loss":
        if loss == "heralded":
            return f"HERALDED_ERASE({p[0]!r}) {targets}"
        if loss == "depolarize":
            return f"DEPOLARIZE1({p[0] * 0.75!r}) {targets}"
        return None
    raise NavmError(f"the stim backend has no model for noise.{name}")
