"""The header comments: a fixed shape a regular expression reads, with the same device,
placement, schedule and permutation as `navm compile --json`."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from navm.backends.qasm2 import module_to_qasm2
from navm.backends.qasm2.header import escape, placement_line, records_line
from navm.frontend import load_text
from navm.ir.circuit_table import GateTable, Placement, Row
from navm.pipeline import compile_module
from tests.helpers import TESTS, run_cli

ROOT = TESTS.parent
HEADER = re.compile(r"""\AOPENQASM 2\.0;
include "qelib1\.inc";
// written by navm: the compiled circuit \(docs/backends/qasm2\.md\)
// device: (?P<device>\S+) \(ISA (?P<isa>[0-9.]+)\)
// qubits: q\[k\] is navm qubit k, the atom on site placement\[k\]; (?P<n>\d+) qubits
// placement \(k:site_id\):(?P<placement>(?: \d+:\d+)*)
// schedule: duration_us=(?P<duration>\S+) stages=(?P<stages>\d+) two_qubit_gates=(?P<cz>\d+) swaps_added=(?P<swaps>\d+) fidelity_estimate=(?P<fidelity>\S+)
// output_permutation \(program qubit k ends on q\[p\[k\]\]\):(?P<perm>(?: \d+)*)
// records \(rec\[k\]:result\):(?P<records>(?: \d+:\S+)*)
// gates: r\(axis,angle\) = u3\(angle,axis-pi/2,pi/2-axis\); .*
qreg q\[(?P=n)\];
""")
CASES = [("examples/ghz.qbc", "square-16x16"), ("examples/qft.sigma.json", "test-small"),
         ("tests/programs/route_long_cz.qbc", "square-16x16"), ("examples/sigma/noisy.sigma.json", "square-16x16")]


@pytest.fixture(autouse=True)
def in_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def cli(*args, capsys) -> str:
    rc, out, err = run_cli("compile", *args, capsys=capsys)
    assert rc == 0, err
    return out


@pytest.mark.parametrize("program, device", CASES)
def test_header_matches_the_json_report(program, device, capsys):
    text = cli(program, "--device", device, "--emit", "qasm2", capsys=capsys)
    report = json.loads(cli(program, "--device", device, "--json", capsys=capsys))
    m = HEADER.match(text)
    assert m, text[:800]
    assert m["device"] == report["device"] == device and m["isa"] == report["isa_version"]
    assert int(m["n"]) == report["num_qubits"]
    placement = dict(item.split(":") for item in m["placement"].split())
    assert placement == {q: str(s) for q, s in report["placement"].items()}
    schedule = report["schedule"]
    assert float(m["duration"]) == schedule["duration_us"] and int(m["stages"]) == schedule["stages"]
    assert int(m["cz"]) == schedule["two_qubit_gates"] and int(m["swaps"]) == schedule["swaps_added"]
    assert float(m["fidelity"]) == schedule["fidelity_estimate"]
    assert [int(a) for a in m["perm"].split()] == report["output_permutation"]
    n_records = len(m["records"].split())
    assert n_records == report["gate_counts"].get("measure", 0)
    assert f"creg rec[{n_records}];" in text


def test_records_name_each_measurement_in_program_order(capsys):
    text = cli("examples/sigma/noisy.sigma.json", "--emit", "qasm2", capsys=capsys)
    assert "// records (rec[k]:result): 0:m_a 1:m_b 2:m_a2\n" in text


def test_result_names_are_escaped_to_printable_ascii():
    assert escape("m a\n\u00e9") == "m\\x20a\\n\\xe9"
    table = GateTable.from_rows([Row("measure", (0,), (), "r 1"), Row("measure", (0,), (), "\u03c3")])
    assert records_line(table) == "// records (rec[k]:result): 0:r\\x201 1:\\u03c3"


def test_coordinate_placements_and_unplaced_qubits():
    coords = Placement(2, coords=np.array([[0.0, 5.0], [np.nan, np.nan]]))
    assert placement_line(coords) == "// placement (k:x,y um): 0:0.0,5.0 1:-"
    sites = Placement(3, sites=np.array([4, -1, 0]))
    assert placement_line(sites) == "// placement (k:site_id): 0:4 1:- 2:0"


def test_an_unscheduled_module_says_so():
    module = compile_module(load_text("QLOC q0, 0.0, 0.0\nQH q0\n", "qbc", "t.qbc"), "unroll")
    text = module_to_qasm2(module)
    assert "// schedule: none\n" in text and "// device: none (ISA 1.0)" in text
    assert "// placement (k:x,y um): 0:0.0,0.0\n" in text
    assert "output_permutation" not in text
    assert text.endswith("qreg q[1];\nh q[0];\n")
