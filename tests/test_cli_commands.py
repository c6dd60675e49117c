"""The CLI a qiskit, bloqade or xdsl-opt user expects: --version, completion, devices, passes, pass
options, compile options, observables, exec, record labels, cut tables, progress."""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path

import pytest

from tests.helpers import run_cli, run_json

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def at_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def test_version(capsys):
    from importlib.metadata import version

    rc, out, _ = run_cli("--version", capsys=capsys)
    assert rc == 0 and out.strip() == f"navm {version('navm')}"


def test_shell_completion_script(capsys):
    rc, out, err = run_cli("--show-completion", "bash", capsys=capsys)
    assert rc == 0, err
    assert "_navm_completion" in out and "complete " in out


def test_devices_lists_names_kinds_and_site_counts(capsys):
    rows = run_json("devices", capsys=capsys)
    by_name = {r["name"]: r for r in rows}
    assert by_name["square-16x16"]["sites"] == 256 and by_name["square-16x16"]["kind"] == "square"
    assert by_name["test-small"]["sites"] == 13 and by_name["test-small"]["kind"] == "zoned (entangling, storage)"
    rc, out, _ = run_cli("devices", capsys=capsys)
    assert rc == 0 and "test-small" in out and "256" in out


def test_devices_show_prints_the_profile(capsys):
    rc, out, err = run_cli("devices", "show", "test-small", capsys=capsys)
    assert rc == 0, err
    for text in ("entangling: 9 sites", "storage: 4 sites", "blockade radius", "7.5 µm", "native gates",
                 "r=[global, local]", "cz=1.0 µs", "max_cz_per_stage=2", "noise: spam", "builtin:test-small"):
        assert text in out, text
    shown = run_json("devices", "show", "test-small", "--sites", capsys=capsys)
    assert shown["profile"]["name"] == "navm-test-small" and shown["derived"]["sites"] == 13
    assert shown["sites"][9] == {"id": 9, "x_um": 0.0, "y_um": 30.0, "zone": "storage", "min_isa": "1.1"}
    rc, out, _ = run_cli("devices", "show", "square-16x16", "--sites", capsys=capsys)
    assert "216 more sites (--json lists them all)" in out


def test_devices_show_of_an_unknown_device(capsys):
    rc, _, err = run_cli("devices", "show", "nope", capsys=capsys)
    assert rc == 2 and err.startswith("error: unknown device profile 'nope'")


def test_passes_lists_purpose_and_options_as_p_writes_them(capsys):
    catalogue = {p["name"]: p for p in run_json("passes", capsys=capsys)}
    assert catalogue["strip-noise"]["purpose"] == "remove every noise channel from the circuit"
    place = {o["name"]: o for o in catalogue["place"]["options"]}
    assert place["seed"]["type"] == "integer" and place["override"]["written"] == "override=false"
    assert "ignoring the program's own placements" in place["override"]["doc"]
    rc, out, _ = run_cli("passes", capsys=capsys)
    assert "place{device=none,seed=0,override=false}\n    put every logical qubit on a device site" in out


@pytest.mark.parametrize("spec", ["unroll,place{seed=7,override=true}", "unroll,place{seed=7 override=true}",
                                  "unroll, place{ seed = 7 , override = true }"])
def test_p_accepts_the_comma_and_the_space_form(spec, capsys):
    rc, out, err = run_cli("opt", "tests/programs/sites.qbc", "--device", "test-small", "-p", spec, capsys=capsys)
    assert rc == 0, err
    comma = run_cli("opt", "tests/programs/sites.qbc", "--device", "test-small", "-p",
                    "unroll,place{seed=7,override=true}", capsys=capsys)[1]
    assert out == comma


@pytest.mark.parametrize("spec, expected", [
    ("unroll,plac", "-p:1:8: error: invalid pass pipeline: unknown pass 'plac'\n  unroll,plac\n         ^\n"
                    "  note: did you mean 'place'?"),
    ("place{overide=true}", "-p:1:7: error: invalid pass pipeline: pass 'place' has no option 'overide'"),
    ("place{seed=seven}", "-p:1:12: error: invalid pass pipeline: option 'seed' of 'place' expects an integer, "
                          "got 'seven'"),
    ("place{override=yes please}", "-p:1:26: error: invalid pass pipeline: unexpected '}'"),
    ("place{override=maybe}", "option 'override' of 'place' expects true or false, got 'maybe'"),
    ("place{seed=1", "the spec ends too early (an unclosed '{'?)"),
])
def test_pass_spec_errors_are_located_and_say_what_is_expected(spec, expected, capsys):
    rc, _, err = run_cli("opt", "examples/qbc/bell.qbc", "-p", spec, capsys=capsys)
    assert rc == 2 and expected in err, err


def test_compile_takes_seed_and_pass_options(capsys):
    base = run_json("compile", "tests/programs/sites.qbc", "--device", "test-small", capsys=capsys)
    assert base["placement"] == {"0": 0, "1": 1, "2": 3}  # the program's own sites
    moved = run_json("compile", "tests/programs/sites.qbc", "--device", "test-small",
                     "-P", "place{override=true}", capsys=capsys)
    assert moved["placement"] != base["placement"]
    seeded = [run_json("compile", "examples/qft.sigma.json", "--device", "test-small", "--seed", str(s),
                       "-P", "place{override=true}", capsys=capsys)["placement"] for s in (1, 1, 2)]
    assert seeded[0] == seeded[1]
    rc, _, err = run_cli("compile", "examples/qbc/bell.qbc", "-P", "insert-noise", capsys=capsys)
    assert rc == 2 and "error: --pass-option: 'insert-noise' is not part of the compile pipeline" in err


def test_run_prints_expectation_values_of_program_qubits(capsys):
    out = run_json("run", "examples/qbc/bell.qbc", "--observable", "ZZ", "--observable", "XX",
                   "--observable", "ZI", "--shots", "10", capsys=capsys)
    assert out["expectations"] == pytest.approx({"ZZ": 1.0, "XX": 1.0, "ZI": 0.0}, abs=1e-5)
    rc, text, _ = run_cli("run", "examples/qbc/bell.qbc", "--observable", "ZZ", capsys=capsys)
    assert "<ZZ> = +1.000000" in text
    rc, _, err = run_cli("run", "examples/qbc/bell.qbc", "--observable", "ZZZ", capsys=capsys)
    assert rc == 2 and "error: --observable ZZZ: 3 letters for a circuit of 2 qubits" in err


def test_observables_follow_qubits_that_routing_moved(capsys, tmp_path):
    """q0 and q1 in |1>, q2 in |0>; q0 and q1 sit on opposite corners, so route swaps atoms: each
    expectation must stay on its program qubit."""
    program = tmp_path / "far.qbc"
    program.write_text(".isa 1.1\nQSITE q0, 0\nQSITE q1, 8\nQSITE q2, 4\nQX q0\nQCX q0, q1\nQHALT\n")
    out = run_json("run", str(program), "--device", "test-small", "--shots", "10",
                   "--observable", "ZII", "--observable", "IZI", "--observable", "IIZ", capsys=capsys)
    assert out["schedule"]["swaps_added"] > 0
    assert out["expectations"] == pytest.approx({"ZII": -1.0, "IZI": -1.0, "IIZ": 1.0}, abs=1e-5)


def test_exec_prints_registers_and_regions(capsys):
    out = run_json("exec", "examples/qbc/lattice_small.qbc", "--region",
                   "0x10000,32,20,id:int,x:float,y:float,sigma:float", capsys=capsys)
    assert out["steps"] > 0 and len(out["registers"]) == 16
    entries = out["regions"][0]["entries"]
    assert [e["id"] for e in entries] == list(range(20))
    assert entries[5]["sigma"] == pytest.approx(8 * 5 / 20)
    rc, text, err = run_cli("exec", "examples/qbc/lattice_small.qbc", "--region", "0x10000,32,20",
                            "--limit", "3", capsys=capsys)
    assert rc == 0, err
    assert "r15" in text and "17 more entries (--limit N, or --json)" in text
    rc, _, err = run_cli("exec", "examples/qbc/lattice_small.qbc", "--region", "0x10000,12,2", capsys=capsys)
    assert rc == 2 and "ENTRY_BYTES a positive multiple of 8" in err
    rc, _, err = run_cli("exec", "examples/qft.sigma.json", capsys=capsys)
    assert rc == 2 and "navm exec runs QBC programs" in err


def test_records_written_twice_are_told_apart(capsys):
    out = run_json("run", "examples/qbc/ghz_loop.qbc", "--shots", "20", capsys=capsys)
    assert out["results"] == [f"r4[{k}]" for k in range(8)]
    rc, text, _ = run_cli("run", "examples/qbc/ghz_loop.qbc", "--shots", "20", capsys=capsys)
    assert "r4[0] r4[1]" in text
    qasm = run_json("run", "examples/qasm2/qft4.qasm", "--shots", "20", capsys=capsys)
    assert qasm["results"] == ["c[0]", "c[1]", "c[2]", "c[3]"]


def test_cut_tables_say_how_much_they_hide(capsys, tmp_path):
    program = tmp_path / "spread.qbc"
    program.write_text("".join(f"QH q{k}\nQMEAS q{k}, r{k}\n" for k in range(6)) + "QHALT\n")
    rc, text, _ = run_cli("run", str(program), "--shots", "4000", capsys=capsys)
    hidden = re.search(r"… ([\d,]+) more outcomes +│ +([\d,]+)", text)
    assert hidden is not None
    rows = re.findall(r"^│ [01]+ +│", text, re.M)
    assert len(rows) == 32
    total = run_json("run", str(program), "--shots", "4000", capsys=capsys)["counts"]
    assert int(hidden.group(1).replace(",", "")) == len(total) - 32


def test_no_detectors_and_no_observables_are_said(capsys):
    rc, text, _ = run_cli("run", "examples/qbc/bell.qbc", "--backend", "stim", "--detectors", capsys=capsys)
    assert rc == 0 and "no detectors: the program declares none (QDETECTOR)" in text
    assert "no observables: the program declares none (QOBSERVABLE)" in text


def test_progress_is_silent_off_a_terminal_and_shown_on_one(monkeypatch):
    from rich.console import Console

    from navm.commands import progress_bar
    from navm.progress import NO_PROGRESS, task

    assert progress_bar.progress_for(Console(file=StringIO()), json_output=False) is NO_PROGRESS
    terminal = Console(file=StringIO(), force_terminal=True, width=100)
    assert progress_bar.progress_for(terminal, json_output=True) is NO_PROGRESS
    bar = progress_bar.progress_for(terminal, json_output=False)
    monkeypatch.setattr(progress_bar, "SHOW_AFTER", 0.0)
    import time

    with task(bar, "sampling", 100) as p:
        time.sleep(0.2)
        p.advance(40)
        time.sleep(0.2)
    shown = terminal.file.getvalue()
    assert "sampling" in shown and "40/100" in shown


def test_the_json_of_run_lists_everything_the_header_says(capsys):
    out = run_json("run", "examples/qbc/noise.qbc", "--shots", "50", capsys=capsys)
    assert json.dumps(out)  # serialisable
    assert out["noise_description"].startswith("the program's 9 channels")
