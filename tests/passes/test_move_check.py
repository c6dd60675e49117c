"""move-check: every legality rule of docs/zoned.md fails at the offending row with its message;
legal programs (hand-written, the zoned passes' output, QMAP's) pass.

Illegal programs are hand-written QBC (`.isa 1.2`, QSITE/QAODLOAD/QAODMOVE/QAODSTORE/QRYDBERG)
or, for what QBC cannot express (group numbers, an atom twice in a group), IR text with
`loc(...)`. On the `zoned` device: storage trap 1900 is at (0, 57), 1901 at (3, 57), 1800 at
(0, 54), 1801 at (3, 54); gate site 0 is traps 2000 (35, 67) and 2140 (37, 67), gate site 1
traps 2001 (47, 67) and 2141 (49, 67).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from navm.devices import load_profile
from navm.diagnostics import NavmError, SourceLocation
from navm.frontend import load
from navm.pipeline import compile_module
from tests.helpers import TESTS, compile_program

HEADER = [".isa 1.2"]


def program(tmp_path: Path, lines: list[str], name: str = "p.qbc") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(HEADER + [f"        {line}" for line in lines]) + "\n")
    return path


def move_check(path: Path, device: str = "zoned"):
    return compile_module(load(path), "unroll,move-check", device=device)


def violation(path: Path, device: str = "zoned") -> NavmError:
    with pytest.raises(NavmError) as err:
        move_check(path, device)
    return err.value


def at(path: Path, line: int, column: int = 9) -> SourceLocation:
    return SourceLocation(str(path), line, column)


def profile_file(tmp_path: Path, change) -> str:
    """The built-in zoned profile with `change(document)` applied, as a file."""
    doc = json.loads((TESTS.parent / "navm/devices/builtin/zoned.json").read_text())
    change(doc)
    path = tmp_path / "zoned-variant.json"
    path.write_text(json.dumps(doc))
    return str(path)


LOAD_BOTH_TO_SITE_0 = ["QSITE q0, 1900", "QSITE q1, 1901", "QAODLOAD q0", "QAODLOAD q1",
                       "QAODMOVE q0, 1.0, 58.0", "QAODMOVE q1, 4.0, 58.0",
                       "QAODMOVE q0, 35.0, 67.0", "QAODMOVE q1, 37.0, 67.0"]


# ------------------------------------------------------------------------ legal programs


def test_a_legal_program_passes_and_is_summarised(in_tests_dir):
    module = compile_program("zoned_pair.qbc", "unroll,move-check", device="zoned")
    summary = {k: v.value.data for k, v in module.attributes["navm.move_check"].data.items()}
    assert summary == {"groups": 10, "pulses": 1, "transfers": 8, "unpaired_exposures": 0}


def test_the_zoned_passes_output_passes(in_tests_dir):
    compile_program("zoned_chain.qbc", "unroll,decompose-native,migrate-isa{to=1.2},stage,zoned-place,move-route,"
                                       "move-check", device="zoned")


@pytest.mark.parametrize("name", ["ghz3_aware", "qft5_aware", "docs_ghz8_globalry_aware"])
def test_qmap_programs_pass(name):
    from navm.backends.naviz import read_naviz_file

    module = read_naviz_file(TESTS / "fixtures/qmap" / f"{name}.naviz", load_profile("zoned"), "zoned")
    compile_module(module, "move-check")


def test_an_atom_alone_under_the_laser_is_legal(tmp_path):
    path = program(tmp_path, ["QSITE q0, 2000", "QSITE q1, 2140", "QSITE q2, 2001", "QRYDBERG q0, q1"])
    module = move_check(path)
    assert module.attributes["navm.move_check"].data["unpaired_exposures"].value.data == 1


def test_a_program_without_motion_passes(tmp_path):
    move_check(program(tmp_path, ["QSITE q0, 1900", "QU3 q0, 1.0, 0.0, 0.0", "QMEAS q0, r0"]))


# ------------------------------------------------------------------------ placement


def test_an_atom_on_a_site_the_device_lacks(tmp_path):
    path = program(tmp_path, ["QSITE q0, 5000", "QU3 q0, 1.0, 0.0, 0.0"])
    err = violation(path)
    assert err.message == "q0 starts on site 5000, which device 'navm-zoned-reference' does not have"
    assert err.loc == at(path, 2)


def test_an_atom_without_a_trap(tmp_path):
    path = program(tmp_path, ["QSITE q0, 1900", "QU3 q1, 1.0, 0.0, 0.0"])
    err = violation(path)
    assert err.message == "q1 has no trap: every atom of a zoned program starts on a trap (QSITE)"
    assert err.loc == at(path, 3)


# ------------------------------------------------------------------------ transfers


def test_load_of_an_atom_already_in_the_aod(tmp_path):
    path = program(tmp_path, ["QSITE q0, 1900", "QSITE q1, 1901", "QAODLOAD q0", "QU3 q1, 1.0, 0.0, 0.0",
                              "QAODLOAD q0"])
    err = violation(path)
    assert err.message == "load: q0 is already in the AOD, at (0.000, 57.000)"
    assert err.loc == at(path, 6) and err.notes == ("it was loaded at row 0",)


def test_move_of_a_stored_atom(tmp_path):
    path = program(tmp_path, ["QSITE q0, 1900", "QSITE q1, 1999", "QAODLOAD q0", "QAODMOVE q0, 1.0, 58.0",
                              "QAODMOVE q1, 290.0, 58.0"])
    err = violation(path)
    assert err.message == ("move: q1 is on storage trap 1999 at (297.000, 57.000), not in the AOD: load it first")
    assert err.loc == at(path, 6)


def test_store_of_a_stored_atom(tmp_path):
    path = program(tmp_path, ["QSITE q0, 2000", "QAODSTORE q0"])
    err = violation(path)
    assert err.message == ("store: q0 is on the left trap of gate site 0 of zone 'entanglement' (site 2000) at "
                           "(35.000, 67.000), not in the AOD")
    assert err.loc == at(path, 3)


def test_store_off_every_trap(tmp_path):
    path = program(tmp_path, LOAD_BOTH_TO_SITE_0 + ["QAODMOVE q0, 34.0, 66.0", "QAODMOVE q1, 36.0, 66.0",
                                                     "QAODSTORE q0"])
    err = violation(path)
    assert err.message == "store: q0 at (34.000, 66.000) µm is on no trap"
    assert err.notes == ("the nearest trap is site 2000 at (35.000, 67.000), 1.414 µm away "
                         "(coordinate_tolerance_um is 0.01)",)
    assert err.loc == at(path, 12)


def test_store_onto_an_occupied_trap(tmp_path):
    path = program(tmp_path, ["QSITE q0, 1900", "QSITE q1, 2000", "QAODLOAD q0", "QAODMOVE q0, 1.0, 58.0",
                              "QAODMOVE q0, 35.0, 67.0", "QAODSTORE q0"])
    err = violation(path)
    assert err.message == ("store: q0 at (35.000, 67.000) would share the left trap of gate site 0 of zone "
                           "'entanglement' (site 2000) with q1")
    assert err.loc == at(path, 7)


def test_the_store_within_tolerance_lands_on_the_trap(tmp_path):
    move_check(program(tmp_path, LOAD_BOTH_TO_SITE_0[:6] + ["QAODMOVE q0, 35.005, 67.0", "QAODMOVE q1, 37.0, 67.0",
                                                             "QAODSTORE q0", "QAODSTORE q1", "QRYDBERG q0, q1"]))


# ------------------------------------------------------------------------ the AOD's rows and columns


def test_a_row_that_splits(tmp_path):
    path = program(tmp_path, ["QSITE q0, 1900", "QSITE q1, 1901", "QAODLOAD q0", "QAODLOAD q1",
                              "QAODMOVE q0, 1.0, 60.0"])
    err = violation(path)
    assert err.message == ("move: q0 and q1 share an AOD row (y = 57.000) but would end in different rows "
                           "(y = 60.000 and 57.000)")
    assert err.loc == at(path, 6)


def test_rows_that_merge(tmp_path):
    path = program(tmp_path, ["QSITE q0, 1800", "QSITE q1, 1901", "QAODLOAD q0", "QAODLOAD q1",
                              "QAODMOVE q0, 0.0, 60.0", "QAODMOVE q1, 3.0, 60.0"])
    err = violation(path)
    assert err.message == ("move: AOD rows y = 54.000 (q0) and y = 57.000 (q1) would merge: they end at "
                           "y = 60.000 and 60.000")
    assert err.loc == at(path, 6)


def test_rows_that_cross(tmp_path):
    path = program(tmp_path, ["QSITE q0, 1800", "QSITE q1, 1901", "QAODLOAD q0", "QAODLOAD q1",
                              "QAODMOVE q0, 0.0, 62.0"])
    err = violation(path)
    assert err.message == ("move: AOD rows y = 54.000 (q0) and y = 57.000 (q1) would cross: they end at "
                           "y = 62.000 and 57.000")
    assert err.loc == at(path, 6)


def test_columns_that_cross(tmp_path):
    path = program(tmp_path, ["QSITE q0, 1999", "QSITE q1, 1998", "QAODLOAD q0", "QAODLOAD q1",
                              "QAODMOVE q0, 35.0, 67.0", "QAODMOVE q1, 37.0, 67.0"])
    err = violation(path)
    assert err.message == ("move: AOD columns x = 294.000 (q1) and x = 297.000 (q0) would cross: they end at "
                           "x = 37.000 and 35.000")
    assert err.loc == at(path, 6)


def test_columns_closer_than_the_aod_spacing(in_tests_dir):
    """tests/programs/motion.qbc moves q0 to 1 µm from q1: legal IR, illegal on the zoned device."""
    with pytest.raises(NavmError) as err:
        compile_program("motion.qbc", "unroll,move-check", device="zoned")
    assert err.value.message == ("move: AOD columns x = 36.000 (q0) and x = 37.000 (q1) would be 1.000 µm apart, "
                                 "closer than the AOD's min_spacing_um (2)")
    assert err.value.loc == SourceLocation("programs/motion.qbc", 9, 9)


def test_a_load_closer_than_the_aod_spacing(tmp_path):
    path = program(tmp_path, ["QSITE q0, 1900", "QSITE q1, 1999", "QAODLOAD q0", "QAODMOVE q0, 296.0, 60.0",
                              "QAODLOAD q1"])
    err = violation(path)
    assert err.message == ("load: AOD columns x = 296.000 (q0) and x = 297.000 (q1) would be 1.000 µm apart, "
                           "closer than the AOD's min_spacing_um (2)")
    assert err.loc == at(path, 6)


def test_more_rows_than_the_aod_has(tmp_path):
    def small_aod(doc):
        doc["architecture"]["aods"] = [{"rows": 2, "cols": 100, "min_spacing_um": 2.0}]

    device = profile_file(tmp_path, small_aod)
    path = program(tmp_path, ["QSITE q0, 1700", "QSITE q1, 1801", "QSITE q2, 1902",
                              "QAODLOAD q0", "QAODLOAD q1", "QAODLOAD q2"])
    err = violation(path, device)
    assert err.message == "load: the AOD would hold 3 rows (distinct y values); it has 2"
    assert err.loc == at(path, 5)


def test_a_load_leaving_an_atom_at_a_crossing(tmp_path):
    path = program(tmp_path, ["QSITE q0, 1900", "QSITE q1, 1801", "QSITE q2, 1901", "QAODLOAD q0", "QAODLOAD q1"])
    err = violation(path)
    assert err.message == ("load: q2 sits in storage trap 1901 at (3.000, 57.000), where an AOD row and column "
                           "cross, but is not loaded: the AOD would pick it up too")
    assert err.loc == at(path, 5)


# ------------------------------------------------------------------------ groups (IR text)


def ir_program(tmp_path: Path, rows: list[str], sites: str = "[1900, 1901]") -> Path:
    """An ISA 1.2 circuit in IR text, row k at line k + 3 with loc(...) pointing there."""
    path = tmp_path / "p.mlir"
    body = [f'    {row} loc("p.mlir":{k + 3}:5)' for k, row in enumerate(rows)]
    n = sites.count(",") + 1
    path.write_text("\n".join(['builtin.module attributes {navm.isa_version = "1.2"} {',
                               f"  navm.circuit qubits {n} sites {sites} {{", *body, "  }", "}"]) + "\n")
    return path


def ir_violation(path: Path) -> NavmError:
    with pytest.raises(NavmError) as err:
        compile_module(load(path), "move-check", device="zoned")
    return err.value


def test_group_numbers_that_decrease(tmp_path):
    path = ir_program(tmp_path, ["load(1) q0", "load(0) q1"])
    err = ir_violation(path)
    assert err.message == "'load' group 0 comes after group 1: group numbers must increase along the table"
    assert err.loc == SourceLocation("p.mlir", 4, 5)


def test_a_group_split_by_another_row(tmp_path):
    path = ir_program(tmp_path, ["load(0) q0", "u3(1.0, 0.0, 0.0) q1", "load(0) q1"])
    err = ir_violation(path)
    assert err.message == "'load' group 0 is split: its rows must be consecutive (the group starts at row 0)"
    assert err.loc == SourceLocation("p.mlir", 5, 5)


def test_a_group_of_two_kinds(tmp_path):
    path = ir_program(tmp_path, ["load(0) q0", "move(0, 1.0, 58.0) q0"])
    err = ir_violation(path)
    assert err.message == "group 0 mixes 'load' and 'move' rows (the group starts at row 0)"
    assert err.loc == SourceLocation("p.mlir", 4, 5)


def test_an_atom_twice_in_one_group(tmp_path):
    path = ir_program(tmp_path, ["load(0) q0", "move(1, 1.0, 58.0) q0", "move(1, 2.0, 58.0) q0"])
    err = ir_violation(path)
    assert err.message == "move: q0 is listed twice in one group"
    assert err.loc == SourceLocation("p.mlir", 5, 5)


# ------------------------------------------------------------------------ pulses


def test_a_pulse_while_an_atom_is_in_the_aod(tmp_path):
    path = program(tmp_path, LOAD_BOTH_TO_SITE_0 + ["QAODSTORE q0", "QRYDBERG q0, q1"])
    err = violation(path)
    assert err.message == ("rydberg: q1 is in the AOD during the pulse, at (37.000, 67.000): store every atom "
                           "before a pulse")
    assert err.loc == at(path, 11)


def test_a_pair_that_is_not_a_gate_site(tmp_path):
    path = program(tmp_path, ["QSITE q0, 2000", "QSITE q1, 2141", "QRYDBERG q0, q1"])
    err = violation(path)
    assert err.message == ("rydberg: q0 and q1 are not on the two traps of one gate site: q0 is on the left trap "
                           "of gate site 0 of zone 'entanglement' (site 2000) at (35.000, 67.000); q1 is on the "
                           "right trap of gate site 1 of zone 'entanglement' (site 2141) at (49.000, 67.000)")
    assert err.loc == at(path, 4)


def test_a_pair_in_storage(tmp_path):
    path = program(tmp_path, ["QSITE q0, 1900", "QSITE q1, 1901", "QRYDBERG q0, q1"])
    err = violation(path)
    assert err.message.startswith("rydberg: q0 and q1 are not on the two traps of one gate site: q0 is on "
                                  "storage trap 1900 at (0.000, 57.000)")


def test_an_unlisted_pair_under_the_laser(tmp_path):
    path = program(tmp_path, ["QSITE q0, 2000", "QSITE q1, 2140", "QSITE q2, 2001", "QSITE q3, 2141",
                              "QRYDBERG q0, q1"])
    err = violation(path)
    assert err.message == ("rydberg: q2 at (47.000, 67.000) and q3 at (49.000, 67.000) are 2.000 µm apart under "
                           "the laser, within the blockade radius (6 µm), but not a pair of the pulse: it would "
                           "entangle them")
    assert err.loc == at(path, 6)


def test_an_atom_within_the_blockade_radius_of_a_pair(tmp_path):
    """Gate sites 4 µm apart: the next site's left trap is 2 µm from this site's right trap."""
    def close_sites(doc):
        for zone in doc["lattice"]["zones"][1:]:
            zone["spacing_um"] = [4.0, 10.0]

    device = profile_file(tmp_path, close_sites)
    path = program(tmp_path, ["QSITE q0, 2000", "QSITE q1, 2140", "QSITE q2, 2001", "QRYDBERG q0, q1"])
    err = violation(path, device)
    assert err.message == ("rydberg: q2 at (39.000, 67.000) is 4.000 µm from q0 at (35.000, 67.000), within the "
                           "blockade radius (6 µm) of the pair (q0, q1)")
    assert err.loc == at(path, 5)


# ------------------------------------------------------------------------ gates and the program


def test_a_cz_outside_a_pulse(tmp_path):
    path = program(tmp_path, ["QSITE q0, 2000", "QSITE q1, 2140", "QCZ q0, q1"])
    err = violation(path)
    assert err.message == ("cz q0, q1 outside a rydberg row: on a zoned device two-qubit gates run as Rydberg "
                           "pulses (`rydberg` rows, QRYDBERG)")
    assert err.loc == at(path, 4)


def test_u3_anywhere(tmp_path):
    move_check(program(tmp_path, ["QSITE q0, 1900", "QAODLOAD q0", "QU3 q0, 1.0, 0.0, 0.0",
                                  "QAODMOVE q0, 1.0, 58.0"]))


def test_an_isa_1_1_program_is_refused(in_tests_dir):
    with pytest.raises(NavmError, match="move-check checks zoned programs \\(ISA 1.2, atom motion\\); this one "
                                        "is ISA 1.1"):
        compile_program("sites.qbc", "unroll,move-check", device="zoned")


def test_a_device_without_architecture_is_refused(in_tests_dir):
    with pytest.raises(NavmError, match="device 'navm-test-small' is not a zoned device"):
        compile_program("motion.qbc", "unroll,move-check", device="test-small")


def test_the_error_prints_with_the_source_line(tmp_path):
    path = program(tmp_path, ["QSITE q0, 2000", "QAODSTORE q0"])
    text = violation(path).render()
    assert text.splitlines()[1:] == ["          QAODSTORE q0", "          ^"]
