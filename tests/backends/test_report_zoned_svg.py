"""The zoned picture (`navm compile --svg` on a zoned device): zones, traps, the laser, and one panel
per Rydberg pulse with its rearrangement as arrows, its pairs on their gate sites, a legend.

The SVG is parsed with xml.etree and checked against an independent replay of the table: every
atom starts on its trap, a `move` row puts it where the row says (compiled programs move atoms
exactly onto traps, so a store changes nothing), a `rydberg` row closes a panel.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from navm.backends.report.schedule import schedule_report
from navm.backends.report.svg import schedule_svg
from navm.backends.report.zoned_svg import move_color, zoned_svg
from navm.commands.compile import circuit_op
from navm.devices import load_profile
from navm.frontend import load
from navm.ir.gates import OPCODE
from navm.pipeline import compile_for_device, compile_module
from tests.helpers import PROGRAMS, TESTS, run_cli

NS = {"s": "http://www.w3.org/2000/svg"}
EXAMPLES = TESTS.parent / "examples"
TOL = 0.02  # µm: coordinates are written with 2 decimals of a px at ≥ 1 px/µm


@pytest.fixture(scope="module")
def zoned():
    return load_profile("zoned")


@pytest.fixture(scope="module")
def qft4(zoned):
    module = compile_for_device(load(EXAMPLES / "qasm2" / "qft4.qasm"), "zoned")
    return module, ET.fromstring(zoned_svg(module, zoned))


def replay(module, profile):
    """Per pulse: (row, positions before its rearrangement, positions at the pulse, moves as
    (qubit, group, start, end)); and the moves after the last pulse."""
    op = circuit_op(module)
    table, sites = op.gate_table, op.qubit_placement.sites
    pos = profile.architecture.coords[np.asarray(sites)].copy()
    before, moves, out = pos.copy(), [], []
    for i in range(len(table)):
        if table.opcode[i] == OPCODE["move"]:
            (q,) = table.row_qubits(i)
            group, x, y = table.params[i, :3]
            moves.append((q, int(group), tuple(pos[q]), (float(x), float(y))))
            pos[q] = (x, y)
        elif table.opcode[i] == OPCODE["rydberg"]:
            out.append((i, before, pos.copy(), moves))
            before, moves = pos.copy(), []
    return out, moves


def panels(root):
    return root.findall("./s:g[@class='panel']", NS)


def to_um(panel, x, y):
    view = panel.find("s:g[@class='view']", NS)
    x0, y0 = map(float, view.get("data-origin-um").split())
    scale = float(view.get("data-scale"))
    return x0 + float(x) / scale, y0 + float(y) / scale


def arrows(panel):
    """(qubit, group, order, start µm, end µm, colour) of each arrow, from its drawn line."""
    out = []
    for g in panel.iter("{http://www.w3.org/2000/svg}g"):
        if g.get("class") == "move":
            line = g.find("s:line", NS)
            out.append((int(g.get("data-qubit")), int(g.get("data-group")), int(g.get("data-order")),
                        to_um(panel, line.get("x1"), line.get("y1")), to_um(panel, line.get("x2"), line.get("y2")),
                        line.get("stroke")))
    return out


def atoms(panel, cls="atom"):
    return {int(c.get("data-qubit")): to_um(panel, c.get("cx"), c.get("cy"))
            for c in panel.iter("{http://www.w3.org/2000/svg}circle") if c.get("class") == cls}


def close(a, b, tol=TOL) -> bool:
    return math.dist(a, b) <= tol


def test_a_panel_per_pulse_titled_with_its_stage_and_start_time(qft4):
    module, root = qft4
    table = circuit_op(module).gate_table
    pulses = np.flatnonzero(table.opcode == OPCODE["rydberg"])
    drawn = panels(root)
    assert len(drawn) == len(pulses) == 10
    for panel, row in zip(drawn, pulses.tolist()):
        assert int(panel.get("data-row")) == row
        stage, start = int(table.stage[row]), float(table.start[row])
        assert int(panel.get("data-stage")) == stage
        title = panel.find("s:text[@class='panel-title']", NS).text
        assert title == f"stage {stage} · {start:.2f} µs"
    assert root.find(".//s:text[@class='more']", NS) is None


def test_arrows_run_from_the_replayed_positions_before_to_those_after_each_rearrangement(qft4, zoned):
    module, root = qft4
    expected, tail = replay(module, zoned)
    assert not tail
    moved_somewhere = 0
    for panel, (row, before, after, moves) in zip(panels(root), expected):
        drawn = arrows(panel)
        # Every move row that moves an atom is one arrow, from where the atom was to where the row puts it.
        real = [m for m in moves if not close(m[2], m[3], 1e-9)]
        assert len(drawn) == len(real)
        for (q, group, start, end), (dq, dgroup, _, dstart, dend, _) in zip(real, drawn):
            assert (dq, dgroup) == (q, group) and close(dstart, start) and close(dend, end)
        # Chained per atom, the arrows lead from its place at the previous pulse to its place at this one.
        for q in {a[0] for a in drawn}:
            path = [a for a in drawn if a[0] == q]
            assert close(path[0][3], before[q]) and close(path[-1][4], after[q])
            assert all(close(a[4], b[3]) for a, b in zip(path, path[1:]))
        # Every atom is drawn where it is at the pulse; the moved ones also where they came from.
        assert all(close(xy, after[q]) for q, xy in atoms(panel).items()) and len(atoms(panel)) == 4
        moved = [q for q in range(4) if not close(before[q], after[q], 1e-9)]
        assert sorted(atoms(panel, "atom-before")) == moved
        assert all(close(xy, before[q]) for q, xy in atoms(panel, "atom-before").items())
        moved_somewhere += bool(moved)
    assert moved_somewhere >= 4


def test_a_move_group_has_one_colour_and_groups_in_a_rearrangement_differ(zoned):
    module = compile_for_device(load(EXAMPLES / "surface_code" / "memory_z_d3.qbc"), "zoned")
    root = ET.fromstring(zoned_svg(module, zoned))
    several = 0
    for panel in panels(root):
        drawn = arrows(panel)
        colour = {}
        for q, group, order, _, _, stroke in drawn:
            assert colour.setdefault(group, stroke) == stroke == move_color(order)
        groups = sorted(colour)
        orders = [{a[2] for a in drawn if a[1] == g} for g in groups]
        assert all(len(o) == 1 for o in orders)  # one order per group, increasing along the table
        assert [min(o) for o in orders] == sorted(min(o) for o in orders)
        assert len(set(colour.values())) == len(colour)
        several += len(colour) > 1
        # Parallel atoms of one group: as many arrows as the group moved atoms.
        sub = panel.find("s:text[@class='panel-subtitle']", NS).text
        if drawn:
            assert sub.startswith(f"{len(groups)} move group")
    assert several >= 5


def test_pairs_are_drawn_on_their_gate_sites(qft4, zoned):
    module, root = qft4
    arch = zoned.architecture
    table = circuit_op(module).gate_table
    expected, _ = replay(module, zoned)
    for panel, (row, _, after, _) in zip(panels(root), expected):
        qubits = table.row_qubits(row)
        rects = panel.findall(".//s:rect[@class='pair']", NS)
        assert [tuple(map(int, r.get("data-qubits").split())) for r in rects] == list(zip(qubits[::2], qubits[1::2]))
        for rect in rects:
            a, b = map(int, rect.get("data-qubits").split())
            z, k = int(rect.get("data-zone")), int(rect.get("data-site"))
            left, right = arch.coords[arch.zones[z].left[k]], arch.coords[arch.zones[z].right[k]]
            # The atoms stand on the site's two traps, and the highlight is centred on the site and spans both.
            assert {tuple(after[a]), tuple(after[b])} == {tuple(left), tuple(right)}
            x, y, w, h = (float(rect.get(key)) for key in ("x", "y", "width", "height"))
            centre = to_um(panel, x + w / 2, y + h / 2)
            assert close(centre, (left + right) / 2)
            scale = float(panel.find("s:g[@class='view']", NS).get("data-scale"))
            assert w / scale > math.dist(left, right) and h < w


def test_legend_zones_traps_and_the_laser_region(qft4, zoned):
    _, root = qft4
    arch = zoned.architecture
    keys = [e.get("data-key") for e in root.findall(".//s:g[@class='legend']/s:g[@class='legend-entry']", NS)]
    assert {"panel", "atom", "before", "move", "pair", "laser", "trap"} <= set(keys)
    legend_text = " ".join("".join(e.itertext()) for e in root.findall(".//s:g[@class='legend-entry']", NS))
    assert "stage" in legend_text and "move group" in legend_text and "Rydberg laser" in legend_text
    background = root.find("./s:defs/s:g[@id='zoned-background']", NS)
    assert background is not None
    for panel in panels(root):  # every panel shows the same background
        assert panel.find("s:g[@class='view']/s:use", NS).get("href") == "#zoned-background"
    labels = {g.get("data-zone"): "".join(g.itertext()) for g in background.findall("s:g[@class='zone-label']", NS)}
    assert "storage" in labels["storage"] and "entanglement" in labels["0"]
    view = panels(root)[0].find("s:g[@class='view']", NS)
    x0, y0 = map(float, view.get("data-origin-um").split())
    scale = float(view.get("data-scale"))
    window = background.find("s:rect[@class='window']", NS)
    x1, y1 = x0 + float(window.get("width")) / scale, y0 + float(window.get("height")) / scale
    # The laser's region, cut to the window.
    laser = background.find("s:rect[@class='laser']", NS)
    (lx0, ly0), (lx1, ly1) = arch.zones[0].laser
    got = (x0 + float(laser.get("x")) / scale, y0 + float(laser.get("y")) / scale)
    assert close(got, (max(lx0, x0), max(ly0, y0)))
    assert float(laser.get("height")) / scale == pytest.approx(min(ly1, y1) - max(ly0, y0), abs=TOL)
    # Traps as small marks: every storage and gate trap inside the window, and none outside it.
    def inside(xy):
        return x0 <= xy[0] <= x1 and y0 <= xy[1] <= y1

    storage = [xy for xy in arch.coords[arch.storage] if inside(xy)]
    marks = background.findall("s:rect[@class='trap storage']", NS)
    assert len(marks) == len(storage) > 0
    assert all(float(m.get("width")) <= 5 for m in marks)
    gate = [xy for z in arch.zones for xy in arch.coords[np.concatenate([z.left, z.right])] if inside(xy)]
    assert len(background.findall("s:circle[@class='trap gate']", NS)) >= len(gate) > 0
    assert len(background.findall("s:rect[@class='gate-site']", NS)) >= len(gate) // 2


def test_each_panel_is_cropped_to_the_region_in_use(qft4, zoned):
    module, root = qft4
    arch = zoned.architecture
    expected, _ = replay(module, zoned)
    window = root.find("./s:defs/s:g/s:rect[@class='window']", NS)
    for panel in panels(root):
        view = panel.find("s:g[@class='view']", NS)
        scale = float(view.get("data-scale"))
        w_um, h_um = float(window.get("width")) / scale, float(window.get("height")) / scale
        device_w = np.nanmax(arch.coords[:, 0]) - np.nanmin(arch.coords[:, 0])
        assert w_um < device_w / 5 and h_um < 40  # a few atoms: not the 300 µm device
        assert scale >= 10  # so traps 2 µm apart stay apart
        x0, y0 = map(float, view.get("data-origin-um").split())
        for xy in atoms(panel).values():
            assert x0 <= xy[0] <= x0 + w_um and y0 <= xy[1] <= y0 + h_um
        for a in arrows(panel):
            for xy in (a[3], a[4]):
                assert x0 <= xy[0] <= x0 + w_um and y0 <= xy[1] <= y0 + h_um


def test_many_pulses_are_capped_and_the_rest_counted(tmp_path, zoned):
    source = ['OPENQASM 2.0;', 'include "qelib1.inc";', 'qreg q[3];']
    for i in range(30):
        a, b = i % 3, (i + 1) % 3
        source += [f"h q[{b}];", f"cx q[{a}],q[{b}];", f"t q[{b}];"]
    path = tmp_path / "long.qasm"
    path.write_text("\n".join(source) + "\n")
    module = compile_for_device(load(path), "zoned")
    pulses = int((circuit_op(module).gate_table.opcode == OPCODE["rydberg"]).sum())
    assert pulses > 24
    root = ET.fromstring(zoned_svg(module, zoned))
    drawn = panels(root)
    assert len(drawn) == 24
    assert [int(p.get("data-pulse")) for p in drawn] == list(range(24))
    more = root.find(".//s:text[@class='more']", NS)
    assert more is not None and more.text.startswith(f"+{pulses - 24} more stages")
    # The grid wraps: several columns and several rows, inside the picture.
    xs = {p.get("transform").split("(")[1].split(",")[0] for p in drawn}
    ys = {p.get("transform").split(",")[1] for p in drawn}
    assert len(xs) > 1 and len(ys) > 1
    width = float(root.get("width"))
    assert all(float(x) < width for x in xs)
    # A smaller cap.
    few = ET.fromstring(zoned_svg(module, zoned, max_panels=5))
    assert len(panels(few)) == 5 and few.find(".//s:text[@class='more']", NS).text.startswith(f"+{pulses - 5} ")


def test_multi_step_moves_the_moves_after_the_last_pulse_and_an_unpaired_atom(tmp_path, zoned):
    # zoned_pair.qbc moves its atoms in three groups (off the traps, transit, into the traps), pulses,
    # and takes them back; a third atom waits on gate site 1, inside the laser, without a partner.
    text = (PROGRAMS / "zoned_pair.qbc").read_text().replace(
        "QSITE     q1, 1901            ; (3, 57)", "QSITE     q1, 1901\n        QSITE     q2, 2001")
    path = tmp_path / "pair.qbc"
    path.write_text(text)
    module = compile_module(load(path), "unroll,move-check", device="zoned")
    root = ET.fromstring(zoned_svg(module, zoned))
    first, last = panels(root)
    (_, before, after, moves), = replay(module, zoned)[0]
    drawn = arrows(first)
    assert len(drawn) == 6 and sorted({a[2] for a in drawn}) == [0, 1, 2]
    for q in (0, 1):
        path_q = [a for a in drawn if a[0] == q]
        assert close(path_q[0][3], before[q]) and close(path_q[-1][4], after[q])
        assert [a[1] for a in path_q] == [1, 2, 3]  # the table's group numbers
    assert first.find(".//s:text[@class='panel-title']", NS).text == "stage 0"  # unscheduled: no time
    unpaired = first.findall(".//s:circle[@class='unpaired']", NS)
    assert [int(c.get("data-qubit")) for c in unpaired] == [2]
    assert "unpaired" in [e.get("data-key") for e in root.findall(".//s:g[@class='legend-entry']", NS)]
    # The way back, after the only pulse: its own panel.
    assert last.get("data-pulse") == "-1"
    assert last.find(".//s:text[@class='panel-title']", NS).text == "after the last pulse"
    _, tail = replay(module, zoned)
    back = arrows(last)
    assert len(back) == len(tail) == 6 and all(close(a[4], m[3]) for a, m in zip(back, tail))
    assert close(atoms(last)[0], (0.0, 57.0)) and close(atoms(last)[1], (3.0, 57.0))


def test_a_program_without_pulses_shows_its_placement(tmp_path, zoned):
    path = tmp_path / "one.qasm"
    path.write_text('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg c[2];\nh q[0];\nmeasure q -> c;\n')
    module = compile_for_device(load(path), "zoned")
    root = ET.fromstring(zoned_svg(module, zoned))
    (panel,) = panels(root)
    assert panel.find("s:text[@class='panel-title']", NS).text == "the initial placement"
    assert len(atoms(panel)) == 2 and not arrows(panel)
    assert root.find(".//s:text[@class='more']", NS).text == "no Rydberg pulses"


def test_schedule_svg_dispatches_on_the_architecture(qft4, zoned):
    module, _ = qft4
    report = schedule_report(module)
    root = ET.fromstring(schedule_svg(report, zoned, module=module))
    assert len(panels(root)) == 10 and "10 Rydberg pulses" in root.find("s:title", NS).text
    with pytest.raises(ValueError, match="zoned"):
        schedule_svg(report, zoned)
    # A fixed lattice keeps its own picture, module or not.
    fixed = compile_for_device(load(EXAMPLES / "qbc" / "bell.qbc"), "square-16x16")
    plain = schedule_svg(schedule_report(fixed), load_profile("square-16x16"))
    assert plain == schedule_svg(schedule_report(fixed), load_profile("square-16x16"), module=fixed)
    assert not panels(ET.fromstring(plain))


def test_cli_svg_draws_the_zoned_program(capsys, tmp_path):
    out = tmp_path / "qft4.svg"
    rc, _, err = run_cli("compile", str(EXAMPLES / "qasm2" / "qft4.qasm"), "--svg", str(out), capsys=capsys)
    assert rc == 0, err
    root = ET.fromstring(out.read_text())
    assert len(panels(root)) == 10 and arrows(panels(root)[0])
