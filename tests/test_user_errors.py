"""Every kind of bad input a user can hand the CLI: a located error (`file:line:col: error:` where a
position exists, else `error:` naming the argument), exit status 2, never a traceback, never 70."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run_cli, run_json

ROOT = Path(__file__).resolve().parents[1]
BELL = {"qbc": "QH q0\nQCX q0, q1\nQMEAS q0, r0\nQMEAS q1, r1\nQHALT\n",
        "qasm": 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg c[2];\nh q[0];\ncx q[0], q[1];\n'
                "measure q -> c;\n",
        "sigma.json": '{"sigma": "1.0", "N": 8, "qubits": {"a": 0.0, "b": 1.0},\n'
                      ' "ops": [{"gate": "h", "qubits": ["a"]}, {"gate": "cx", "qubits": ["a", "b"]}]}\n',
        "mlir": 'builtin.module attributes {navm.isa_version = "1.0"} {\n'
                "  navm.circuit qubits 2 coords [(0.0, 0.0), (5.0, 0.0)] {\n    h q0\n    cx q0, q1\n  }\n}\n"}


def user_error(*args: str, capsys) -> str:
    rc, _, err = run_cli(*args, capsys=capsys)
    assert rc == 2, err
    assert "Traceback" not in err and "internal error" not in err
    return err


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_compile_of_a_program_with_no_circuit(here, capsys):
    Path("empty.qbc").write_text("")
    Path("classical.qbc").write_text("QMOV r1, 2\nQADD r1, 3\nQHALT\n")
    for command in ("compile", "run"):
        for name in ("empty.qbc", "classical.qbc"):
            err = user_error(command, name, capsys=capsys)
            assert err.startswith(f"error: {name}: the program has no quantum instructions")
            assert "use `navm exec`" in err


@pytest.mark.parametrize("text, where", [("QH q99999999999\nQHALT\n", "1:1"),
                                         ("QH q0\nQMEAS q2147483648, r1\nQHALT\n", "2:1"),
                                         ("QMOV r2, 99999999999\nQH q[r2]\nQHALT\n", "2:1")])
def test_a_qubit_index_beyond_what_a_circuit_holds(here, capsys, text, where):
    Path("big.qbc").write_text(text)
    err = user_error("compile", "big.qbc", capsys=capsys)
    assert err.startswith(f"big.qbc:{where}: error: qubit index q") and "is too large for a circuit" in err


@pytest.mark.parametrize("option", ["-o", "--svg"])
def test_output_into_a_missing_directory_or_onto_a_directory(here, capsys, option):
    Path("bell.qbc").write_text(BELL["qbc"])
    Path("adir").mkdir()
    err = user_error("compile", "bell.qbc", option, "nowhere/out.txt", capsys=capsys)
    name = "--output" if option == "-o" else "--svg"
    assert err.startswith(f"error: {name}: cannot write nowhere/out.txt: the directory nowhere does not exist")
    err = user_error("compile", "bell.qbc", option, "adir", capsys=capsys)
    assert err.startswith(f"error: {name}: adir is a directory; give a file name inside it")


def test_output_paths_are_checked_before_compiling(here, capsys, monkeypatch):
    import navm.api

    def never(*args, **kwargs):
        raise AssertionError("compiled before checking the options")

    monkeypatch.setattr(navm.api, "compile_program", never)
    Path("bell.qbc").write_text(BELL["qbc"])
    user_error("compile", "bell.qbc", "-o", "nowhere/x", capsys=capsys)
    for args in (["--seed", "-1"], ["--shots", "-5"], ["--seed", "12345678901234567890"], ["--backend", "gpu"],
                 ["--observable", "ZQ"], ["-P", "plce{seed=1}"], ["--detectors"]):
        user_error("run", "bell.qbc", *args, capsys=capsys)


@pytest.mark.parametrize("args, message", [
    (["--seed", "-1"], "error: --seed: the seed must be a whole number from 0 to 9,223,372,036,854,775,807 "
                       "(2^63 - 1), got -1"),
    (["--seed", "12345678901234567890"], "error: --seed: the seed must be a whole number from 0 to "
                                         "9,223,372,036,854,775,807 (2^63 - 1), got 12345678901234567890"),
    (["--shots", "-5"], "error: --shots: the shot count must be a whole number from 1 to "
                        "9,223,372,036,854,775,807 (2^63 - 1), got -5"),
    (["--shots", "9223372036854775808"], "error: --shots: the shot count must be a whole number from 1 to "),
    (["--shots", "lots"], "error: --shots: expects a whole number"),
])
def test_seed_and_shots_in_one_style(here, capsys, args, message):
    Path("bell.qbc").write_text(BELL["qbc"])
    err = user_error("run", "bell.qbc", *args, capsys=capsys)
    assert err.startswith(message) and "note: see `navm run --help`" in err


def test_large_shot_counts_are_sampled_in_bounded_chunks(here, capsys, monkeypatch):
    """Counting keeps one chunk of records at a time (CHUNK_BYTES), whatever the shot count."""
    import navm.backends.counts as counts

    seen: list[int] = []
    add = counts.CountAccumulator.add

    def spy(self, records):
        seen.append(records.shape[0])
        add(self, records)

    monkeypatch.setattr(counts, "CHUNK_BYTES", 1 << 16)
    monkeypatch.setattr(counts.CountAccumulator, "add", spy)
    Path("bell.qbc").write_text(BELL["qbc"])
    for backend in ("statevector", "stim"):
        seen.clear()
        out = run_json("run", "bell.qbc", "--shots", "3000000", "--backend", backend, capsys=capsys)
        assert sum(out["counts"].values()) == 3_000_000 and set(out["counts"]) == {"00", "11"}
        assert len(seen) > 40 and max(seen) <= (1 << 16) // 2  # 2 records a shot


@pytest.mark.parametrize("suffix", ["qbc", "qasm", "sigma.json", "mlir"])
def test_unreadable_input_gets_one_message_for_every_front_end(here, capsys, suffix):
    name = f"bad.{suffix}"
    Path(name).write_bytes(BELL[suffix].encode().replace(b"\n", b"\n\xe9", 1))  # a Latin-1 byte on line 2
    err = user_error("compile", name, capsys=capsys)
    assert err.startswith(f"{name}:2:1: error: not UTF-8 text (byte 0xe9)")
    assert "note: navm reads source files as UTF-8" in err
    Path(name).write_bytes(bytes(range(256)) * 4)
    err = user_error("compile", name, capsys=capsys)
    assert err.startswith(f"{name}:1:1: error: a NUL byte: this looks like a binary file")
    Path(name).unlink()
    Path(name).mkdir()
    assert user_error("compile", name, capsys=capsys).startswith(f"error: {name} is a directory, not a ")


@pytest.mark.parametrize("suffix", ["qbc", "qasm", "sigma.json", "mlir"])
def test_a_utf8_byte_order_mark_is_accepted(here, capsys, suffix):
    Path(f"bom.{suffix}").write_bytes(b"\xef\xbb\xbf" + BELL[suffix].encode())
    out = run_json("compile", f"bom.{suffix}", capsys=capsys)
    assert out["num_qubits"] == 2


def test_errors_after_a_byte_order_mark_keep_their_columns(here, capsys):
    Path("bom.qbc").write_bytes(b"\xef\xbb\xbfQH q0\nQFROB q1\n")
    err = user_error("compile", "bom.qbc", capsys=capsys)
    assert err.startswith("bom.qbc:2:1: error: unknown mnemonic 'QFROB'")


def test_openqasm_3_is_named_at_its_version_line(here, capsys):
    Path("three.qasm").write_text('// a comment\nOPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nh q[0];\n')
    err = user_error("compile", "three.qasm", capsys=capsys)
    assert err.startswith("three.qasm:2:10: error: OpenQASM 3.0 is not supported: navm reads OpenQASM 2.0")
    assert "qiskit.qasm2.dumps(qiskit.qasm3.loads(text))" in err


def test_place_running_out_of_sites_points_at_the_qubit(here, capsys):
    Path("many.qbc").write_text("".join(f"QH q{k}\n" for k in range(14)) + "QHALT\n")
    err = user_error("compile", "many.qbc", "--device", "test-small", capsys=capsys)
    assert err.startswith("many.qbc:14:1: error: place: 14 qubits do not fit on device 'navm-test-small'")


def test_ir_text_errors_point_at_the_row_or_declaration(here, capsys):
    text = BELL["mlir"]
    Path("range.mlir").write_text(text.replace("cx q0, q1", "cx q0, q7"))
    Path("twice.mlir").write_text(text.replace("cx q0, q1", "cx q1, q1"))
    Path("same.mlir").write_text(text.replace("(5.0, 0.0)", "(0.0, 0.0)"))
    assert user_error("compile", "range.mlir", capsys=capsys).startswith(
        "range.mlir:4:5: error: invalid navm.circuit: row 1: qubit q7 is out of range for a 2-qubit circuit")
    assert user_error("compile", "twice.mlir", capsys=capsys).startswith(
        "twice.mlir:4:5: error: invalid navm.circuit: row 1: 'cx' repeats a qubit")
    assert user_error("compile", "same.mlir", capsys=capsys).startswith(
        "same.mlir:2:45: error: invalid navm.circuit: qubits q0 and q1 share the same coordinates: (0.0, 0.0)")


def test_too_many_qubits_for_the_statevector_says_whether_stim_can(here, capsys):
    Path("wide.qbc").write_text("".join(f"QH q{k}\nQT q{k}\n" for k in range(31)) + "QHALT\n")
    err = user_error("run", "wide.qbc", capsys=capsys)
    assert err.startswith("error: the circuit has 31 qubits; the statevector backend simulates at most 30")
    assert "the circuit is not Clifford, so stim cannot run it either" in err
    Path("wide.qbc").write_text("".join(f"QH q{k}\n" for k in range(31)) + "QHALT\n")
    err = user_error("run", "wide.qbc", capsys=capsys)
    assert "note: the circuit is Clifford: run it with --backend stim" in err
    assert run_json("run", "wide.qbc", "--backend", "stim", "--shots", "10", capsys=capsys)["shots"] == 10
