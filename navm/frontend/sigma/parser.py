"""σ documents (JSON) to `SigmaCircuit`: version, schema, lattice addresses, ops.

Order of checks: JSON syntax, version, JSON Schema (structure), then the
semantic checks below, each error located at the offending JSON value.
The happy path never calls `JsonDocument.locate`: op positions come from
one scan of the ops array (`item_locations`).
"""

from __future__ import annotations

import difflib
import json
import math
from functools import cache
from pathlib import Path
from typing import Any

from navm.diagnostics import NavmError
from navm.frontend.json_source import JsonDocument, parse_json, validate
from navm.perf import gc_paused
from navm.frontend.sigma.angles import AngleError, parse_angle
from navm.frontend.sigma.gates import GATES, SPELLINGS, GateSignature, ParamKind
from navm.frontend.sigma.lattice import DEFAULT_N, describe_node, nearest_nodes, node_of, sigma_of
from navm.frontend.sigma.spec import SigmaCircuit, SigmaOp, SigmaQubit

SUPPORTED_VERSIONS: tuple[str, ...] = ("1.0",)
WHAT = "σ document"


@cache
def sigma_schema() -> dict[str, Any]:
    """The JSON Schema of σ documents (shipped as package data)."""
    return json.loads(Path(__file__).with_name("schema.json").read_text("utf-8"))


def parse_sigma_text(text: str, file: str = "<input>") -> SigmaCircuit:
    """Parse and check a σ document; any problem is a NavmError at its JSON value."""
    with gc_paused():
        doc = parse_json(text, file)
        _check_version(doc)
        validate(doc, sigma_schema(), what=WHAT)
        return _CircuitBuilder(doc).build()


def parse_sigma_file(path: str | Path) -> SigmaCircuit:
    """Read a σ document from disk (UTF-8, a leading BOM is ignored) and parse it."""
    from navm.frontend.source_text import read_source_text

    return parse_sigma_text(read_source_text(path, what="σ document"), str(path))


def _check_version(doc: JsonDocument) -> None:
    value = doc.value
    if isinstance(value, dict) and isinstance(value.get("sigma"), str) and value["sigma"] not in SUPPORTED_VERSIONS:
        raise NavmError(
            f"unsupported σ version {value['sigma']!r}; supported: {', '.join(SUPPORTED_VERSIONS)}",
            doc.locate(["sigma"]),
        )


def _closest(word: str, options: list[str] | tuple[str, ...]) -> list[str]:
    return difflib.get_close_matches(word, options, n=3, cutoff=0.5)


class _CircuitBuilder:
    """The semantic checks, with the document at hand to locate errors."""

    def __init__(self, doc: JsonDocument) -> None:
        self.doc = doc
        self.value: dict[str, Any] = doc.value
        self.n = int(self.value.get("N", DEFAULT_N))
        self.qubits: list[SigmaQubit] = []
        self.index: dict[str, int] = {}
        self.results: dict[str, int] = {}  # result name -> op index
        self.records: dict[str, int] = {}  # result name -> measurement record index

    def error(self, message: str, path: list, *, notes: tuple[str, ...] = ()) -> NavmError:
        return NavmError(message, self.doc.locate(path), notes=notes)

    def where(self, path: list, *, key: bool = False) -> str:
        loc = self.doc.locate_key(path) if key else self.doc.locate(path)
        return f"line {loc.line}, column {loc.column}"

    def build(self) -> SigmaCircuit:
        self._qubits()
        ops = self._ops()
        return SigmaCircuit(self.value["sigma"], self.n, self.qubits, ops, list(self.results), self.doc.file)

    # --- qubits -----------------------------------------------------------------------
    def _qubits(self) -> None:
        n, by_node = self.n, {}
        for name, address in self.value["qubits"].items():
            path = ["qubits", name]
            if isinstance(address, dict):
                path.append("node")
                node = int(address["node"])
                if node >= n:
                    raise self.error(f"node {node} is outside the lattice (N = {n}: nodes 0..{n - 1})", path)
            else:
                node = self._node_of_sigma(address, path)
            if node in by_node:
                first = by_node[node]
                raise self.error(
                    f"qubit {name!r} is on node {describe_node(node, n)}, already used by qubit {first!r}", path,
                    notes=(f"qubit {first!r} is declared at {self.where(['qubits', first], key=True)}",))
            by_node[node] = name
            self.index[name] = len(self.qubits)
            self.qubits.append(SigmaQubit(name, sigma_of(node, n), node, self.doc.locate_key(["qubits", name])))

    def _node_of_sigma(self, sigma: float, path: list) -> int:
        n = self.n
        if not 0 <= sigma < 8:
            raise self.error(f"σ = {sigma!r} is outside [0, 8)", path)
        node = node_of(sigma, n)
        if node is None:
            below, above = nearest_nodes(sigma, n)
            nearest = [describe_node(below, n)] + ([describe_node(above, n, wrapped=above < below)] if n > 1 else [])
            raise self.error(
                f"σ = {sigma!r} is not a lattice node for N = {n}; nearest nodes: {', '.join(nearest)}", path,
                notes=(f"the nodes are σ = 8k/N for k = 0..{n - 1}, {8 / n!r} apart",))
        return node

    # --- ops ----------------------------------------------------------------------------
    def _ops(self) -> list[SigmaOp]:
        locs = self.doc.item_locations(["ops"])
        qubit_index = self.index.__getitem__
        out: list[SigmaOp] = []
        append = out.append
        for i, op in enumerate(self.value["ops"]):
            gate = op["gate"]
            sig = GATES.get(gate)
            if sig is None:
                raise self._unknown_gate(gate, i)
            names = op.get("qubits", [])
            try:
                qubits = tuple(map(qubit_index, names))
            except KeyError:
                raise self._unknown_qubit(names, i) from None
            n = len(qubits)
            if n != sig.qubits and not (sig.variadic and n >= sig.qubits):
                raise self.error(f"{gate!r} takes {sig.qubit_count_text()}, got {n}", ["ops", i, "qubits"])
            if n > 1 and len(set(qubits)) != n:
                raise self._repeated_qubit(names, gate, i)
            params = self._params(op, sig, i) if sig.params or "params" in op else ()
            result = self._result(op, i) if gate == "measure" or "result" in op else None
            records = self._records(op, i) if sig.kind == "annotation" or "results" in op else ()
            append(SigmaOp(gate, qubits, params, result, locs[i], records))
        return out

    def _unknown_gate(self, gate: str, i: int) -> NavmError:
        guess = SPELLINGS.get(gate.lower()) or (gate.lower() if gate.lower() in GATES else None)
        close = [guess] if guess else _closest(gate, list(GATES))
        notes = (f"did you mean {' or '.join(map(repr, close))}?" if close else f"known gates: {', '.join(GATES)}",)
        return self.error(f"unknown gate {gate!r}", ["ops", i, "gate"], notes=notes)

    def _unknown_qubit(self, names: list[str], i: int) -> NavmError:
        j, name = next((j, q) for j, q in enumerate(names) if q not in self.index)
        declared = list(self.index)
        close = _closest(name, declared)
        if close:
            notes = (f"did you mean {' or '.join(map(repr, close))}?",)
        elif declared:
            shown = ", ".join(declared[:8]) + (", …" if len(declared) > 8 else "")
            notes = (f"declared qubits: {shown}",)
        else:
            notes = ('no qubits are declared in "qubits"',)
        return self.error(f"unknown qubit {name!r}", ["ops", i, "qubits", j], notes=notes)

    def _repeated_qubit(self, names: list[str], gate: str, i: int) -> NavmError:
        first_seen: dict[str, int] = {}
        for j, name in enumerate(names):
            if name in first_seen:
                return self.error(f"qubit {name!r} appears twice in {gate!r}", ["ops", i, "qubits", j],
                                  notes=(f"first at {self.where(['ops', i, 'qubits', first_seen[name]])}",))
            first_seen[name] = j
        raise AssertionError("no repeated qubit")  # pragma: no cover

    def _params(self, op: dict, sig: GateSignature, i: int) -> tuple[float, ...]:
        raw = op.get("params", [])
        if len(raw) != len(sig.params):
            expected = (f"{len(sig.params)} parameter{'s' if len(sig.params) != 1 else ''} "
                        f"({', '.join(sig.params)})" if sig.params else "no parameters")
            path = ["ops", i, "params"] if "params" in op else ["ops", i]
            raise self.error(f"{sig.name!r} takes {expected}, got {len(raw)}", path)
        if sig.param_kind is ParamKind.INDEX:
            return tuple(self._index(p, sig.params[j], ["ops", i, "params", j]) for j, p in enumerate(raw))
        if sig.param_kind is ParamKind.ANGLE:
            if str not in map(type, raw):
                return tuple(map(float, raw))
            return tuple(self._angle(p, ["ops", i, "params", j]) for j, p in enumerate(raw))
        values = tuple(self._probability(p, sig.params[j], ["ops", i, "params", j]) for j, p in enumerate(raw))
        if sig.name == "pauli" and sum(values) > 1 + 1e-12:
            raise self.error(f"pauli probabilities px + py + pz = {sum(values)!r} exceed 1", ["ops", i, "params"])
        return values

    def _angle(self, value: float | str, path: list) -> float:
        if not isinstance(value, str):
            return float(value)
        try:
            return parse_angle(value)
        except AngleError as e:
            shown = value if len(value) <= 40 else value[:37] + "..."
            raise self.error(f"invalid angle {shown!r}: {e.message} (at character {e.position + 1})", path,
                             notes=("angles are radians: a number or an expression such as \"pi/4\", \"-3*pi/2\"",))

    def _index(self, value: float | str, name: str, path: list) -> float:
        if isinstance(value, str) or value < 0 or not float(value).is_integer():
            raise self.error(f"{name} must be a non-negative integer, got {value!r}", path)
        return float(value)

    def _records(self, op: dict, i: int) -> tuple[int, ...]:
        """A detector's or observable's measurement records, by earlier result names."""
        if GATES[op["gate"]].kind != "annotation":
            raise self.error(f"only detector and observable list \"results\" ({op['gate']!r} does not)",
                             ["ops", i, "results"])
        names = op.get("results", [])
        if not names:
            raise self.error(f"{op['gate']!r} needs \"results\": the earlier measurements it combines", ["ops", i])
        records = []
        for j, name in enumerate(names):
            if name not in self.records:
                close = _closest(name, list(self.records))
                notes = (f"did you mean {' or '.join(map(repr, close))}?",) if close else ()
                raise self.error(f"{name!r} is not the result of an earlier measurement", ["ops", i, "results", j],
                                 notes=notes)
            records.append(self.records[name])
        return tuple(records)

    def _probability(self, value: float | str, name: str, path: list) -> float:
        if isinstance(value, str):
            raise self.error(f"probability {name} must be a number, got {value!r}", path)
        if not 0 <= value <= 1 or math.isnan(value):
            raise self.error(f"probability {name} = {value!r} is outside [0, 1]", path)
        return float(value)

    def _result(self, op: dict, i: int) -> str:
        if op["gate"] != "measure":
            raise self.error(f"only measure has a \"result\" ({op['gate']!r} does not)", ["ops", i, "result"])
        if "result" not in op:
            raise self.error('measure needs a "result" name', ["ops", i])
        result = op["result"]
        if result in self.results:
            first = self.results[result]
            raise self.error(f"result {result!r} is already used", ["ops", i, "result"],
                             notes=(f"first measured into at {self.where(['ops', first, 'result'])}",))
        self.results[result] = i
        self.records[result] = len(self.records)
        return result
