"""The schedule SVG (`navm compile --svg`): a legend per stage, shared pairs all visible, cropped to the atoms."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest

from navm.backends.report.schedule import ScheduleReport, Stage, schedule_report
from navm.backends.report.svg import stage_color, schedule_svg
from navm.frontend import load
from navm.pipeline import compile_for_device
from navm.devices import load_profile
from tests.helpers import PROGRAMS, TESTS

NS = {"s": "http://www.w3.org/2000/svg"}
# The same pair interacts in two stages, with a 1-qubit gate between them.
CZ_H_CZ = """.isa 1.1
        QSITE q0, 0
        QSITE q1, 1
        QCZ q0, q1
        QH q0
        QCZ q0, q1
        QMEAS q0, r1
        QMEAS q1, r2
"""


def draw(path, device):
    report = schedule_report(compile_for_device(load(path), device))
    profile = load_profile(device)
    return report, profile, ET.fromstring(schedule_svg(report, profile))


def view_box(root):
    x, y, w, h = map(float, root.get("viewBox").split())
    return x, y, x + w, y + h


def pairs(root):
    return root.findall(".//s:line[@class='pair']", NS)


def legend(root):
    return root.findall(".//s:g[@class='legend-entry']", NS)


def occupied(root):
    return root.findall(".//s:circle[@class='site occupied']", NS)


def endpoints(line):
    return [(float(line.get("x1")), float(line.get("y1"))), (float(line.get("x2")), float(line.get("y2")))]


def offset_between(a, b) -> float:
    """Distance between two parallel segments' centre lines (perpendicular to `a`)."""
    (ax1, ay1), (ax2, ay2) = endpoints(a)
    (bx1, by1), _ = endpoints(b)
    length = math.hypot(ax2 - ax1, ay2 - ay1)
    return abs((ax2 - ax1) * (by1 - ay1) - (ay2 - ay1) * (bx1 - ax1)) / length


@pytest.fixture
def cz_h_cz(tmp_path):
    path = tmp_path / "cz_h_cz.qbc"
    path.write_text(CZ_H_CZ)
    return draw(path, "test-small")


def test_legend_has_one_entry_per_stage_in_the_stage_colour():
    report, _, root = draw(TESTS.parent / "examples" / "ghz.qbc", "square-16x16")
    entries = legend(root)
    assert len(entries) == len(report.stages) >= 5
    for entry, stage in zip(entries, report.stages):
        assert int(entry.get("data-stage")) == stage.index
        swatch, text = entry.find("s:line", NS), entry.find("s:text", NS)
        assert swatch.get("stroke") == stage_color(stage.index)
        assert f"stage {stage.index} " in text.text and f"{stage.start_us:.2f} µs" in text.text
        drawn = {line.get("stroke") for line in pairs(root) if int(line.get("data-stage")) == stage.index}
        assert drawn == {stage_color(stage.index)}
    assert len({stage_color(s.index) for s in report.stages}) == len(report.stages)
    assert root.find(".//s:text[@class='legend-more']", NS) is None


def test_stages_on_the_same_pair_are_side_by_side_in_their_own_colours(cz_h_cz):
    report, _, root = cz_h_cz
    assert [s.gates for s in report.stages] == [[(0, 1)], [(0, 1)]]
    first, second = pairs(root)
    assert first.get("stroke") != second.get("stroke")
    # Parallel, and further apart than either is wide: neither covers the other.
    width = max(float(first.get("stroke-width")), float(second.get("stroke-width")))
    assert offset_between(first, second) > width
    assert offset_between(second, first) == pytest.approx(offset_between(first, second), abs=0.2)


def test_a_swap_shows_three_stages_on_one_pair():
    report, _, root = draw(PROGRAMS / "route_long_cz.qbc", "test-small")
    by_pair = {}
    for line in pairs(root):
        by_pair.setdefault(re.search(r"sites (\d+)–(\d+)", line.find("s:title", NS).text).groups(), []).append(line)
    bundle = max(by_pair.values(), key=len)
    assert len(bundle) == 3 and len({line.get("stroke") for line in bundle}) == 3
    width = max(float(line.get("stroke-width")) for line in bundle)
    gaps = [offset_between(a, b) for i, a in enumerate(bundle) for b in bundle[i + 1:]]
    assert min(gaps) > width
    assert len(pairs(root)) == sum(len(s.gates) for s in report.stages)


def test_view_is_cropped_to_the_occupied_sites_on_a_large_device():
    report, profile, root = draw(TESTS.parent / "examples" / "qbc" / "bell.qbc", "square-16x16")
    x0, y0, x1, y1 = view_box(root)
    atoms = occupied(root)
    assert len(atoms) == len([s for s in report.placement.values() if s >= 0]) == 2
    for atom in atoms:
        cx, cy, r = float(atom.get("cx")), float(atom.get("cy")), float(atom.get("r"))
        assert x0 <= cx - r and cx + r <= x1 and y0 <= cy - r and cy + r <= y1
    for line in pairs(root):
        assert all(x0 <= x <= x1 and y0 <= y <= y1 for x, y in endpoints(line))
    # The whole 16x16 lattice at the same scale would not fit; only nearby sites are drawn.
    scale = 12.0
    lattice_w = (max(s.x for s in profile.sites) - min(s.x for s in profile.sites)) * scale
    lattice_h = (max(s.y for s in profile.sites) - min(s.y for s in profile.sites)) * scale
    assert x1 - x0 < lattice_w and y1 - y0 < lattice_h
    assert len(root.findall(".//s:circle", NS)) < len(profile.sites) / 4


def test_many_stages_wrap_into_columns_and_the_rest_is_counted():
    profile = load_profile("test-small")
    stages = [Stage(i, 1.5 * i, [(0, 1)]) for i in range(100)]
    report = ScheduleReport("test-small", "1.1", 2, {0: 0, 1: 1}, 150.0, stages, 100, 0, 0.5, 0)
    root = ET.fromstring(schedule_svg(report, profile))
    entries = legend(root)
    more = root.find(".//s:text[@class='legend-more']", NS)
    assert more is not None and more.text == f"+{100 - len(entries)} more stages"
    assert 12 <= len(entries) < 100
    assert [int(e.get("data-stage")) for e in entries] == list(range(len(entries)))
    x0, y0, x1, y1 = view_box(root)
    columns = {float(e.find("s:line", NS).get("x1")) for e in entries}
    assert 1 < len(columns) <= 4
    for e in entries:
        line = e.find("s:line", NS)
        assert x0 <= float(line.get("x1")) < x1 and y0 <= float(line.get("y1")) <= y1
    # All 100 stages are still drawn on the pair, each its own line.
    assert len(pairs(root)) == 100


def test_no_stages_still_gives_a_valid_picture():
    report = ScheduleReport("test-small", "1.1", 1, {0: 4}, 1.0, [], 0, 0, 1.0, 0)
    root = ET.fromstring(schedule_svg(report, load_profile("test-small")))
    assert len(occupied(root)) == 1 and not pairs(root) and not legend(root)
    assert "no Rydberg stages" in "".join(root.itertext())
