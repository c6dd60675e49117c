"""An SVG picture of a compiled circuit: the occupied sites, each Rydberg stage's pairs, a legend.

Why it looks the way it does:

- The view is cropped to the occupied sites plus one site spacing around them, so a
  few qubits on a 256-site device are not lost in an empty lattice; empty sites are
  drawn only inside that window, as context.
- Stages that use the same pair of sites (a SWAP is three CZs on one pair, a QFT
  revisits every pair) are drawn as parallel lines side by side, in stage order,
  so no stage hides another.
- A legend maps each colour to its stage index and start time; it wraps into up to
  `LEGEND_COLUMNS` columns and ends with "+N more stages" when it would not fit.

A zoned device (a profile with an `architecture`) moves its atoms instead: `schedule_svg`
hands those programs to zoned_svg.py, which draws the zones and each pulse's rearrangement.
"""

from __future__ import annotations

import colorsys
import math
from collections import defaultdict
from xml.sax.saxutils import escape

import numpy as np

from navm.backends.report.schedule import ScheduleReport, Stage

PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
           "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
LEGEND_COLUMNS = 4
LEGEND_MIN_ROWS = 12
ROW_H = 14.0  # px per legend row
COLUMN_W = 125.0  # px per legend column
HEADER_H = 22.0
STROKE = 3.0  # px, the width of a pair's line when it has room
GAP = 4.5  # px between the centres of parallel lines on one pair


def stage_color(index: int) -> str:
    """The palette first, then hues a golden angle apart, so stages past the palette do not repeat its colours."""
    if index < len(PALETTE):
        return PALETTE[index]
    r, g, b = colorsys.hls_to_rgb((index * 0.381966) % 1.0, 0.42, 0.7)  # hex, which every SVG reader knows
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def _pitch(profile, site) -> float:
    """The distance from `site` to its nearest other site (the lattice spacing near it), in µm."""
    d = np.hypot(profile.coords[:, 0] - site.x, profile.coords[:, 1] - site.y)
    d = d[d > profile.coordinate_tolerance_um]
    return float(d.min()) if d.size else profile.min_spacing_um


def schedule_svg(report: ScheduleReport, profile, *, scale: float = 12.0, margin: float = 20.0,
                 module=None) -> str:
    """`scale` is px per µm; `margin` is px around the drawing and the legend. On a zoned device
    (`profile.architecture`) the picture is zoned_svg's, drawn from the compiled `module` (its
    motion rows), which must then be given."""
    if getattr(profile, "architecture", None) is not None:
        if module is None:
            raise ValueError(f"device '{profile.name}' is zoned: its picture is drawn from the compiled "
                             "module's atom moves; pass module=")
        from navm.backends.report.zoned_svg import zoned_svg

        return zoned_svg(module, profile, report)
    occupied = {s: q for q, s in report.placement.items() if s >= 0}
    shown = [profile.site(s) for s in occupied] or list(profile.sites)
    pad = _pitch(profile, shown[0])  # µm of lattice kept around the occupied sites: one ring of neighbours
    x0, x1 = min(s.x for s in shown) - pad, max(s.x for s in shown) + pad
    y0, y1 = min(s.y for s in shown) - pad, max(s.y for s in shown) + pad
    eps = profile.coordinate_tolerance_um
    draw_w, draw_h = (x1 - x0) * scale, (y1 - y0) * scale

    def pos(site_id: int) -> tuple[float, float]:
        s = profile.site(site_id)
        return (s.x - x0) * scale + margin, (s.y - y0) * scale + margin + HEADER_H

    # Legend geometry: as many rows as the drawing is tall (at least LEGEND_MIN_ROWS), then columns.
    n = len(report.stages)
    rows = max(LEGEND_MIN_ROWS, int(draw_h // ROW_H))
    columns = max(1, min(LEGEND_COLUMNS, math.ceil(n / rows)))
    listed = n if n <= rows * columns else rows * columns - 1
    legend_x = margin + draw_w + margin
    width = legend_x + columns * COLUMN_W
    height = HEADER_H + margin + max(draw_h, min(n + 1, rows) * ROW_H) + margin

    summary = (f"{report.device or 'no device'}: {n} Rydberg stages, {report.duration_us:.2f} µs, "
               f"fidelity ≈ {report.fidelity_estimate:.4f}")
    width = max(width, margin + 5.5 * len(summary))  # keep the header line inside the picture
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
           f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="sans-serif" font-size="9">',
           f"<title>{escape(summary)}</title>",
           f'<rect width="{width:.0f}" height="{height:.0f}" fill="white"/>',
           f'<text x="{margin}" y="{margin - 4:.0f}" font-size="10">{escape(summary)}</text>']

    # Empty sites inside the window, as context.
    for site in profile.sites:
        if site.id not in occupied and x0 - eps <= site.x <= x1 + eps and y0 - eps <= site.y <= y1 + eps:
            x, y = pos(site.id)
            out.append(f'<circle class="site" data-site="{site.id}" cx="{x:.1f}" cy="{y:.1f}" r="2.5" '
                       f'fill="none" stroke="#bbb"><title>site {site.id}</title></circle>')

    # Pairs: stages on the same pair of sites become parallel lines, spread across the pair.
    by_edge: dict[tuple[int, int], list[tuple[int, int, Stage]]] = defaultdict(list)
    for stage in report.stages:
        for a, b in stage.gates:
            sa, sb = report.placement.get(a, -1), report.placement.get(b, -1)
            if sa >= 0 and sb >= 0:
                by_edge[(min(sa, sb), max(sa, sb))].append((a, b, stage))
    spread = 0.5 * pad * scale  # the widest bundle: half a site spacing, so bundles on neighbouring pairs stay apart
    for (sa, sb), uses in by_edge.items():
        (xa, ya), (xb, yb) = pos(sa), pos(sb)
        length = math.hypot(xb - xa, yb - ya) or 1.0
        nx, ny = -(yb - ya) / length, (xb - xa) / length  # unit normal
        gap = min(GAP, spread / max(len(uses) - 1, 1))
        stroke = min(STROKE, 0.7 * gap) if len(uses) > 1 else STROKE
        for k, (a, b, stage) in enumerate(uses):
            off = (k - (len(uses) - 1) / 2) * gap
            dx, dy = nx * off, ny * off
            out.append(f'<line class="pair" data-stage="{stage.index}" x1="{xa + dx:.1f}" y1="{ya + dy:.1f}" '
                       f'x2="{xb + dx:.1f}" y2="{yb + dy:.1f}" stroke="{stage_color(stage.index)}" '
                       f'stroke-width="{stroke:.2f}" stroke-linecap="round"><title>stage {stage.index} '
                       f'({stage.start_us:.2f} µs): q{a}–q{b}, sites {sa}–{sb}</title></line>')

    # Occupied sites on top of the lines, labelled with their qubits.
    for site_id, q in sorted(occupied.items()):
        x, y = pos(site_id)
        out.append(f'<circle class="site occupied" data-site="{site_id}" cx="{x:.1f}" cy="{y:.1f}" r="4" '
                   f'fill="#222"><title>site {site_id}: q{q}</title></circle>')
        out.append(f'<text x="{x + 5:.1f}" y="{y - 5:.1f}" stroke="white" stroke-width="2.5" '
                   f'paint-order="stroke">q{q}</text>')

    # Legend.
    out.append('<g class="legend">')
    top = HEADER_H + margin
    for i, stage in enumerate(report.stages[:listed]):
        lx, ly = legend_x + (i // rows) * COLUMN_W, top + (i % rows) * ROW_H
        out.append(f'<g class="legend-entry" data-stage="{stage.index}"><line x1="{lx:.1f}" y1="{ly:.1f}" '
                   f'x2="{lx + 16:.1f}" y2="{ly:.1f}" stroke="{stage_color(stage.index)}" stroke-width="{STROKE}"/>'
                   f'<text x="{lx + 21:.1f}" y="{ly + 3:.1f}">stage {stage.index} · {stage.start_us:.2f} µs</text>'
                   "</g>")
    if listed < n:
        lx, ly = legend_x + (listed // rows) * COLUMN_W, top + (listed % rows) * ROW_H
        out.append(f'<text class="legend-more" x="{lx:.1f}" y="{ly + 3:.1f}">+{n - listed} more stages</text>')
    if n == 0:
        out.append(f'<text x="{legend_x:.1f}" y="{top + 3:.1f}">no Rydberg stages</text>')
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"
