""".naviz: the writer gives QMAP 3.11's text byte for byte, the reader turns QMAP's programs into
ISA 1.2 modules (pairs found by replay, errors at their line and column), and write → read gives
the same program and the same figures.

QMAP's outputs are fixtures (tests/fixtures/qmap, README there); with mqt-qmap importable a test
also compiles with QMAP itself and scores the result.
"""

from __future__ import annotations

import numpy as np
import pytest

from navm.backends.naviz import module_to_naviz, read_naviz, read_naviz_file, write_naviz
from navm.devices import load_profile
from navm.diagnostics import NavmError, SourceLocation
from navm.frontend import load
from navm.ir.navm import CircuitOp
from navm.ir.unitaries import gate_matrices, u3_matrix
from navm.pipeline import compile_module
from tests.helpers import TESTS, compile_program, load_script

ZONED = load_profile("zoned")
QMAP = TESTS / "fixtures/qmap"
ZONED_PIPELINE = "unroll,decompose-native,migrate-isa{to=1.2},stage,zoned-place,move-route"


def circuit(module) -> CircuitOp:
    return next(op for op in module.body.block.ops if isinstance(op, CircuitOp))


def read(text: str, file: str = "t.naviz"):
    return read_naviz(text, file, ZONED, "zoned")


def summary(module) -> dict:
    from navm.backends.report.schedule import _plain

    return _plain(module.attributes["navm.schedule"])


# ------------------------------------------------------------------------ the writer


@pytest.mark.parametrize("name", ["ghz3_aware", "qft5_aware", "qftentangled16_agnostic_prefix"])
def test_reading_and_writing_qmap_output_gives_its_bytes_back(name):
    text = (QMAP / f"{name}.naviz").read_text()
    assert module_to_naviz(read_naviz_file(QMAP / f"{name}.naviz", ZONED, "zoned"), ZONED) == text


def test_a_global_ry_comes_back_as_one_u_per_atom():
    text = (QMAP / "docs_ghz8_globalry_aware.naviz").read_text()
    out = module_to_naviz(read(text), ZONED)
    expected = text.replace("@+ ry -0.78540 global\n", "".join(f"@+ u -0.78540 0.00000 0.00000 atom{q}\n"
                                                                 for q in range(8)))
    expected = expected.replace("@+ ry 0.78540 global\n", "".join(f"@+ u 0.78540 0.00000 0.00000 atom{q}\n"
                                                                  for q in range(8)))
    assert out == expected


PAIR_NAVIZ = """\
atom (0.000, 57.000) atom0
atom (3.000, 57.000) atom1
@+ u 1.57080 0.00000 3.14159 atom0
@+ load [
    atom0
    atom1
]
@+ move [
    (1.000, 58.000) atom0
    (4.000, 58.000) atom1
]
@+ move [
    (32.000, 62.000) atom0
    (40.000, 62.000) atom1
]
@+ move [
    (35.000, 67.000) atom0
    (37.000, 67.000) atom1
]
@+ store [
    atom0
    atom1
]
@+ cz zone_cz0
@+ load [
    atom0
    atom1
]
@+ move [
    (32.000, 62.000) atom0
    (40.000, 62.000) atom1
]
@+ move [
    (1.000, 58.000) atom0
    (4.000, 58.000) atom1
]
@+ move [
    (0.000, 57.000) atom0
    (3.000, 57.000) atom1
]
@+ store [
    atom0
    atom1
]
@+ u 1.57080 0.00000 3.14159 atom1
"""


def test_a_navm_program_in_qmap_form(in_tests_dir):
    """zoned_pair.qbc: groups bracketed, measurements left out, 3 and 5 decimals."""
    assert module_to_naviz(compile_program("zoned_pair.qbc", "unroll", device="zoned"), ZONED) == PAIR_NAVIZ


def test_atoms_are_listed_by_position_and_single_atoms_on_one_line(tmp_path):
    path = tmp_path / "p.qbc"
    path.write_text(".isa 1.2\n QSITE q0, 1901\n QSITE q1, 1800\n QSITE q2, 1900\n QAODLOAD q1\n"
                    " QAODMOVE q1, 1.0, 55.0\n QAODSTORE q1\n QU3 q0, -0.0, 0.0, 0.25\n QRZ q2, 1.0\n QH q2\n")
    text = module_to_naviz(compile_module(load(path), "unroll", device="zoned"), ZONED)
    lines = text.splitlines()
    assert lines[:3] == ["atom (0.000, 54.000) atom1", "atom (0.000, 57.000) atom2", "atom (3.000, 57.000) atom0"]
    assert lines[3:6] == ["@+ load atom1", "@+ move (1.000, 55.000) atom1", "@+ store atom1"]
    assert lines[6:8] == ["@+ rz 0.25000 atom0", "@+ rz 1.00000 atom2"]  # a diagonal u3 is QMAP's rz
    theta, phi, lam = (float(v) for v in lines[8].split()[2:5])
    h = gate_matrices(["h"], np.zeros((1, 3)))[0]
    u = u3_matrix(theta, phi, lam)
    assert lines[8].startswith("@+ u ") and abs(abs(np.vdot(u, h)) - 2) < 1e-4  # the same gate up to phase


def test_a_pulse_over_two_zones_is_bracketed(tmp_path):
    def two_zones(doc):
        zones = doc["lattice"]["zones"]
        zones += [{**zones[1], "name": "e2-left", "origin_um": [35.0, 167.0]},
                  {**zones[2], "name": "e2-right", "origin_um": [37.0, 167.0]}]
        doc["architecture"]["entanglement"].append({"name": "second", "slms": ["e2-left", "e2-right"],
                                                    "rydberg_range_um": [[30.0, 162.0], [270.0, 232.0]]})

    import json

    doc = json.loads((TESTS.parent / "navm/devices/builtin/zoned.json").read_text())
    two_zones(doc)
    profile_path = tmp_path / "two.json"
    profile_path.write_text(json.dumps(doc))
    profile = load_profile(str(profile_path))
    path = tmp_path / "p.qbc"
    path.write_text(".isa 1.2\n QSITE q0, 2000\n QSITE q1, 2140\n QSITE q2, 2280\n QSITE q3, 2420\n"
                    " QRYDBERG q0, q1, q2, q3\n")
    module = compile_module(load(path), "unroll,move-check", device=str(profile_path))
    text = module_to_naviz(module, profile)
    assert text.endswith("@+ cz [\n    zone_cz0\n    zone_cz1\n]\n")
    back = read_naviz(text, "two.naviz", profile, str(profile_path))
    assert circuit(back).gate_table.row_qubits(0) == (0, 1, 2, 3)


@pytest.mark.parametrize("line, message", [
    (" QRESET q0", "'reset' has no .naviz form (QMAP's format has no reset)"),
    (" QCZ q0, q1", "'cz' outside a 'rydberg' row has no .naviz form: on a zoned device CZs run as Rydberg pulses"),
])
def test_what_the_format_cannot_say_is_an_error(tmp_path, line, message):
    path = tmp_path / "p.qbc"
    path.write_text(f".isa 1.2\n QSITE q0, 2000\n QSITE q1, 2140\n{line}\n")
    with pytest.raises(NavmError) as err:
        module_to_naviz(compile_module(load(path), "unroll", device="zoned"), ZONED)
    assert err.value.message == message and err.value.loc == SourceLocation(str(path), 4, 2)


def test_an_isa_1_1_program_has_no_naviz_form(in_tests_dir):
    module = compile_program("sites.qbc", "unroll", device="test-small")
    with pytest.raises(NavmError, match="--emit naviz writes zoned programs .* the compiled program is ISA 1.1"):
        module_to_naviz(module, ZONED)


# ------------------------------------------------------------------------ the round trip


def rows_without_locs(module, skip=("measure",)):
    return [r._replace(loc=None, timing=None) for r in circuit(module).gate_table.rows() if r.name not in skip]


def test_write_read_gives_the_same_program_and_figures(in_tests_dir):
    original = compile_program("zoned_pair.qbc", "unroll", device="zoned")
    op = circuit(original)
    keep = [i for i, r in enumerate(op.gate_table.rows()) if r.name != "measure"]
    op.properties["table"] = type(op.table)(op.gate_table.take(keep))  # no measurements: nothing is left out
    text = module_to_naviz(original, ZONED)
    back = read(text, "pair.naviz")
    assert rows_without_locs(back) == rows_without_locs(original)
    assert np.array_equal(circuit(back).qubit_placement.sites, op.qubit_placement.sites)
    assert module_to_naviz(back, ZONED) == text
    compile_module(original, "move-check,schedule")
    compile_module(back, "move-check,schedule")
    assert summary(back) == summary(original)


def pairs(row):
    """A row's qubits; a pulse's as a set of unordered pairs (the reader lists them left trap first)."""
    if row.name != "rydberg":
        return row.qubits
    return frozenset(frozenset(row.qubits[k:k + 2]) for k in range(0, len(row.qubits), 2))


def test_the_zoned_passes_output_round_trips(in_tests_dir):
    """Angles of the compiled program have full precision; the text keeps 5 decimals, and nothing the
    figures depend on."""
    compiled = compile_program("zoned_chain.qbc", ZONED_PIPELINE, device="zoned")
    back = read(module_to_naviz(compiled, ZONED), "chain.naviz")
    a, b = rows_without_locs(compiled), rows_without_locs(back)
    assert [(r.name, pairs(r)) for r in a] == [(r.name, pairs(r)) for r in b]
    assert all(np.allclose(x.params, y.params, atol=5e-6) for x, y in zip(a, b))
    keep = [i for i, r in enumerate(circuit(compiled).gate_table.rows()) if r.name != "measure"]
    op = circuit(compiled)
    op.properties["table"] = type(op.table)(op.gate_table.take(keep))
    compile_module(compiled, "move-check,schedule")
    compile_module(back, "move-check,schedule")
    assert summary(back) == summary(compiled)


# ------------------------------------------------------------------------ the reader


def test_qmap_atoms_are_qubits_and_cz_pairs_come_from_the_traps():
    module = read_naviz_file(QMAP / "ghz3_aware.naviz", ZONED, "zoned")
    op = circuit(module)
    assert op.qubit_placement.sites.tolist() == [1900, 1901, 1902]
    pulses = [r for r in op.gate_table.rows() if r.name == "rydberg"]
    assert [r.qubits for r in pulses] == [(0, 1), (2, 1)]  # left trap first: atom2 came to (35, 67)
    assert pulses[0].loc == SourceLocation(str(QMAP / "ghz3_aware.naviz"), 27, 1)


def test_rz_and_global_ry_become_u3():
    module = read("atom (0.000, 57.000) atom0\natom (3.000, 57.000) atom1\n@+ rz 0.50000 atom1\n"
                  "@+ ry 0.25000 global\n")
    rows = [(r.name, r.qubits, r.params) for r in circuit(module).gate_table.rows()]
    assert rows == [("u3", (1,), (0.0, 0.0, 0.5)), ("u3", (0,), (0.25, 0.0, 0.0)), ("u3", (1,), (0.25, 0.0, 0.0))]


def test_other_atom_names_are_numbered_in_declaration_order():
    module = read("atom (3.000, 57.000) b\natom (0.000, 57.000) a\n@+ u 1.00000 0.00000 0.00000 a\n")
    op = circuit(module)
    assert op.qubit_placement.sites.tolist() == [1901, 1900]
    assert [r.qubits for r in op.gate_table.rows()] == [(1,)]


def test_blank_lines_and_comments_are_allowed():
    read("// a comment\n\natom (0.000, 57.000) atom0   // first\n\n@+ load [\n\n    atom0\n]\n")


@pytest.mark.parametrize("text, message, line, column", [
    ("atom (0.000, 57.000 atom0\n", "unexpected 'atom0'; expected ')'", 1, 21),
    ("atom (0.000, 57.000) atom0\n@+ load [ atom0 ]\n", "unexpected 'atom0'; expected a line break", 2, 11),
    ("atom (0.000, 57.000) atom0\n@+ load [\n    atom0\n", "unexpected end of the file; expected '(', ']', a "
                                                          "line break, a name or a number", 3, 10),
    ("atom (0.000, 57.000) atom0\n% load atom0\n", "unexpected character '%'; expected 'atom', a line break or a "
                                                   "timing such as '@+'", 2, 1),
    ("atom (0.000, 57.000) atom0\n@= load atom0\n", "timing '@=' is not supported: navm reads the sequential '@+' "
                                                    "timeline that QMAP writes", 2, 1),
    ("atom (0.000, 57.000) atom0\n@+ shuttle atom0\n", "unknown operation 'shuttle'; navm reads u, rz, ry, cz, load, "
                                                       "move, store", 2, 4),
    ("atom (0.000, 57.000) atom0\n@+ load atom9\n", "unknown atom 'atom9'", 2, 9),
    ("atom (0.000, 57.000) atom0\n@+ u 1.0 2.0 atom0\n", "'u' takes 3 parameter(s), got 2", 2, 6),
    ("atom (0.000, 57.000) atom0\n@+ load (1.000, 2.000) atom0\n", "'load' takes no position", 2, 9),
    ("atom (0.000, 57.000) atom0\n@+ move atom0\n", "'move' needs a target position (x, y) before each atom", 2, 9),
    ("atom (0.000, 57.000) atom0\n@+ load [\n    atom0\n    atom0\n]\n", "'atom0' is listed twice in one 'load'",
     4, 5),
    ("atom (0.000, 57.000) atom0\n@+ cz zone_cz7\n", "unknown zone 'zone_cz7'; device 'navm-zoned-reference' has "
                                                     "zone_cz0", 2, 7),
    ("atom (0.000, 57.000) atom0\n@+ cz zone_cz0\n", "'cz' on zone_cz0: no gate site holds two atoms at this point, "
                                                     "so the pulse entangles nothing and has no navm form", 2, 1),
    ("atom (1.500, 57.000) atom0\n", "atom 'atom0' at (1.500, 57.000) is on no trap of device "
                                     "'navm-zoned-reference'", 1, 1),
    ("atom (0.000, 57.000) atom0\natom (0.004, 57.000) atom1\n", "atom 'atom1' starts on the trap of atom 'atom0' "
                                                                 "(site 1900)", 2, 1),
    ("atom (0.000, 57.000) atom0\natom (3.000, 57.000) atom0\n", "atom 'atom0' is declared twice", 2, 22),
])
def test_reader_errors_point_into_the_file(text, message, line, column):
    with pytest.raises(NavmError) as err:
        read(text, "bad.naviz")
    assert err.value.message == message
    assert err.value.loc == SourceLocation("bad.naviz", line, column)


def test_a_move_check_error_points_at_the_naviz_line():
    with pytest.raises(NavmError) as err:
        compile_module(read_naviz_file(QMAP / "qftentangled16_agnostic_prefix.naviz", ZONED, "zoned"), "move-check")
    assert err.value.message == ("move: AOD columns x = 47.000 (q15) and x = 48.000 (q13) would be 1.000 µm apart, "
                                 "closer than the AOD's min_spacing_um (2)")
    assert err.value.loc == SourceLocation(str(QMAP / "qftentangled16_agnostic_prefix.naviz"), 946, 5)
    assert err.value.render().splitlines()[1:] == ["      (48.000, 57.000) atom13", "      ^"]


def test_a_device_that_is_not_zoned_is_refused():
    with pytest.raises(NavmError, match="device 'navm-test-small' is not a zoned device"):
        read_naviz("", "e.naviz", load_profile("test-small"), "test-small")


# ------------------------------------------------------------------------ QMAP itself, when installed


def test_qmap_compiles_and_navm_scores_it():
    """QMAP 3.11 (a test dependency) compiles ghz3 in the test; its output equals the fixture and scores
    as the fixture does."""
    generate = load_script(QMAP / "generate.py", "qmap_fixtures")
    text = generate.compile_naviz("ghz3")
    assert text == (QMAP / "ghz3_aware.naviz").read_text()
    module = compile_module(read(text, "qmap.naviz"), "move-check,schedule")
    assert summary(module)["fidelity_models"]["zac"]["fidelity"] == pytest.approx(0.9751662724197394, rel=1e-12)


def test_writing_keeps_what_write_naviz_gets(in_tests_dir):
    op = circuit(compile_program("zoned_pair.qbc", "unroll", device="zoned"))
    assert write_naviz(op.gate_table, op.qubit_placement, ZONED) == PAIR_NAVIZ
