"""`simulate` and `final_state`: the statevector backend's entry points."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import jax
import numpy as np

from navm.backends.statevector import sampling, trajectories
from navm.backends.statevector.evolve import evolve
from navm.backends.statevector.observables import expectation, parse_pauli
from navm.backends.statevector.program import Collapse, Program, read_table
from navm.backends.counts import CountAccumulator, chunk_shots
from navm.diagnostics import NavmError
from navm.ir.circuit_table import GateTable
from navm.ir.gates import OPCODE
from navm.progress import NO_PROGRESS, Progress, task

MAX_QUBITS = 30
DTYPES = ("complex64", "complex128")


@dataclass
class StatevectorResult:
    """What a run produced.

    `records[s, r]` is measurement record r (the r-th `measure` row, in row
    order) of shot s; a `counts` key lists a shot's records in that order,
    record 0 leftmost. `record_names[r]` is record r's result name.
    `method` is "sampled" (shots drawn from one final state) or "trajectories".
    `lost[s, q]` says whether qubit q's atom was lost by the end of shot s.
    `records` and `lost` are None when the run kept counts only (`keep_records=False`).
    """

    counts: dict[str, int]
    shots: int
    records: np.ndarray | None
    state: np.ndarray | None = None
    expectations: dict[str, float] = field(default_factory=dict)
    record_names: tuple[str, ...] = ()
    method: str = "sampled"
    lost: np.ndarray | None = None


def simulate(
    table: GateTable,
    num_qubits: int,
    *,
    shots: int = 1024,
    seed: int = 0,
    noise: bool = True,
    dtype: str = "complex64",
    return_state: bool = False,
    observables: Iterable[str] = (),
    batch: int | None = None,
    initial_state: np.ndarray | None = None,
    keep_records: bool = True,
    progress: Progress = NO_PROGRESS,
) -> StatevectorResult:
    """Run `table` on `num_qubits` qubits starting from |0…0> (or `initial_state`).

    Noise rows are applied when `noise` is true (the default) and ignored
    otherwise. The final state is returned (`return_state`) when the run has
    one: no channel acting on the state, no reset, no mid-circuit measurement.
    `observables` are Pauli strings evaluated on the noiseless state before the
    terminal measurements. `batch` overrides the number of trajectories run
    together. Shots are drawn and counted in bounded chunks; with
    `keep_records=False` only the counts are kept (`records` and `lost` are
    None), so any number of shots runs in bounded memory.
    """
    _check_int("shots", shots, 0)
    _check_int("seed", seed, 0)
    if batch is not None:
        _check_int("batch", batch, 1)
    n, np_dtype = _check_register(num_qubits, dtype)
    paulis = [(text, parse_pauli(text, num_qubits)) for text in observables]
    with jax.enable_x64(True):
        prog = read_table(table, num_qubits, noise=noise)
        psi0 = _initial(initial_state, num_qubits, n, np_dtype)
        root = jax.random.key(seed)
        result = StatevectorResult({}, shots, None, record_names=_record_names(table))
        counts = CountAccumulator(prog.n_records)
        kept: list[np.ndarray] = []
        lost: list[np.ndarray] = []
        psi = None
        with task(progress, "trajectories" if prog.needs_trajectories else "sampling", shots) as bar:
            if prog.needs_trajectories:
                result.method = "trajectories"
                for part in trajectories.batches(prog, psi0, n, shots, jax.random.fold_in(root, 1), batch):
                    counts.add(part.records)
                    if keep_records:
                        kept.append(part.records)
                        lost.append(part.lost[:, :num_qubits])
                    bar.advance(len(part.records))
            else:
                psi = evolve(prog.unitaries(), psi0, n)
                for part in _sample(psi, prog, n, shots, root, np_dtype):
                    counts.add(part)
                    if keep_records:
                        kept.append(part)
                    bar.advance(len(part))
                if return_state:
                    result.state = _register_part(np.asarray(psi), num_qubits, n)
        if keep_records:
            result.records = np.concatenate(kept) if kept else np.zeros((0, prog.n_records), np.uint8)
            if prog.needs_trajectories:
                result.lost = np.concatenate(lost) if lost else np.zeros((0, num_qubits), bool)
        if paulis:
            if psi is None:
                psi = evolve(_noiseless(table, num_qubits, "expectation values need").unitaries(), psi0, n)
            shift = n - num_qubits  # the padding qubit is the least significant bit
            result.expectations = {
                text: float(expectation(psi, x << shift, z << shift, ny, n=n)) for text, (x, z, ny) in paulis
            }
    result.counts = counts.counts()
    return result


def _sample(psi, prog: Program, n: int, shots: int, root, dtype: np.dtype) -> Iterator[np.ndarray]:
    """Records of `shots` shots drawn from the final state, readout flips applied, a chunk at a time."""
    real = np.finfo(dtype).dtype
    flips = np.asarray(prog.record_flips)
    first = 0
    per_chunk = chunk_shots(prog.n_records, sampling.SHOT_CHUNK)
    for indices in sampling.index_chunks(psi, n, shots, jax.random.fold_in(root, 2), per_chunk):
        records = sampling.bits_of(indices, prog.record_qubits, n)
        yield sampling.flip_records(records, flips, jax.random.fold_in(root, 3), real, first)
        first += len(indices)


def final_state(
    table: GateTable,
    num_qubits: int,
    *,
    dtype: str = "complex128",
    initial_state: np.ndarray | None = None,
) -> np.ndarray:
    """The state after the circuit's gates, noise rows ignored; an error if it
    measures or resets (there is no single final state then)."""
    n, np_dtype = _check_register(num_qubits, dtype)
    with jax.enable_x64(True):
        prog = _noiseless(table, num_qubits, "final_state needs")
        psi0 = _initial(initial_state, num_qubits, n, np_dtype)
        return _register_part(np.asarray(evolve(prog.unitaries(), psi0, n)), num_qubits, n)


def _noiseless(table: GateTable, num_qubits: int, who_needs: str) -> Program:
    """The circuit without noise; an error at the first row that leaves no single
    final state (final_state: any measurement or reset; expectation values: a
    reset or a mid-circuit measurement)."""
    prog = read_table(table, num_qubits, noise=False)
    whole = who_needs.startswith("final_state")
    blocking = next((e for e in prog.events if isinstance(e, Collapse)), None) if whole else prog.dynamic
    if blocking is not None:
        what = {"measure": "a measurement" if whole else "a mid-circuit measurement", "reset": "a reset"}
        raise NavmError(
            f"{who_needs} one final state, but the circuit has {what[blocking.kind]} of qubit {blocking.qubit} here",
            blocking.loc,
            notes=("sample it with simulate() instead",) if whole else (),
        )
    return prog


def _check_int(name: str, value: object, low: int) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value < 2**63:
        raise NavmError(f"{name} must be an integer >= {low}, got {value!r}")


def _check_register(num_qubits: object, dtype: object) -> tuple[int, np.dtype]:
    """The simulated qubit count (one extra idle qubit for 1-qubit registers) and dtype."""
    if isinstance(num_qubits, bool) or not isinstance(num_qubits, (int, np.integer)) \
            or not 1 <= num_qubits <= MAX_QUBITS:
        raise NavmError(f"num_qubits must be an integer from 1 to {MAX_QUBITS}, got {num_qubits!r}")
    name = np.dtype(dtype).name if isinstance(dtype, (np.dtype, type)) else dtype
    if name not in DTYPES:
        raise NavmError(f"dtype must be one of {', '.join(DTYPES)}, got {dtype!r}")
    return max(2, int(num_qubits)), np.dtype(name)


def _initial(initial: np.ndarray | None, num_qubits: int, n: int, dtype: np.dtype) -> np.ndarray:
    if initial is None:
        psi = np.zeros(2**num_qubits, dtype)
        psi[0] = 1
    else:
        psi = np.asarray(initial)
        if psi.shape != (2**num_qubits,) or not np.issubdtype(psi.dtype, np.number):
            raise NavmError(f"initial_state must be a vector of 2^{num_qubits} amplitudes, "
                            f"got shape {psi.shape}")
        norm = float(np.linalg.norm(psi))
        if not abs(norm - 1) < 1e-6:
            raise NavmError(f"initial_state must have norm 1, got {norm}")
        psi = psi.astype(dtype)
    if n == num_qubits:
        return psi
    extra = np.zeros(2 ** (n - num_qubits), dtype)
    extra[0] = 1
    return np.kron(psi, extra)


def _register_part(psi: np.ndarray, num_qubits: int, n: int) -> np.ndarray:
    """Drop the idle padding qubit (it is the least significant bit, always |0>)."""
    return psi.reshape(2**num_qubits, 2 ** (n - num_qubits))[:, 0].copy()


def _record_names(table: GateTable) -> tuple[str, ...]:
    measures = table.opcode == OPCODE["measure"]
    return tuple(table.result_names[r] if r >= 0 else "" for r in table.result[measures].tolist())
