"""An SVG picture of a zoned (ISA 1.2) program: the zones, the atoms, and before every Rydberg
pulse the rearrangement that brings its pairs to their gate sites (`navm compile --svg`).

Why it looks the way it does:

- One panel per pulse, in a grid. A panel shows where every atom is at the pulse (filled,
  labelled), where the atoms that moved came from (hollow), and the AOD moves since the
  previous pulse as arrows from each atom's old position to its new one. Moves of one AOD
  group share a colour and a number (their order within the rearrangement), so the atoms
  an AOD carries in parallel read as one bundle, and the sequence of groups as 1, 2, 3….
  The pulse's pairs are highlighted on their gate sites; atoms the laser drives without a
  partner get a red ring.
- Positions come from the same replay `move-check` and the time model use
  (navm.passes.analysis.motion.steps), so the picture shows what the checks checked.
- Every panel is cropped to one window: the positions the shown atoms take (storage rows in
  use, gate sites in use) plus a margin, so a 4-qubit program is not drawn at the scale of a
  300 µm device. The window's static part (traps as small marks, gate sites, the Rydberg
  laser's region shaded, zone labels) is drawn once in <defs> and reused by every panel.
- At most `max_panels` panels (24 by default); a note says how many stages are not drawn.
  Moves after the last pulse (if any, and all pulses are drawn) get a last panel.
- A legend says what the marks and colours mean; each panel's title gives its stage index
  and start time.
"""

from __future__ import annotations

import colorsys
import math
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

import numpy as np

from navm.ir.gates import OPCODE

MAX_PANELS = 24
MOVE_PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#17becf",
                "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#d62728"]
PAIR_FILL, PAIR_STROKE = "#ffd54f", "#c79100"
UNPAIRED = "#d62728"
LASER_FILL = "#f1e4fb"
TRAP = "#b8b8b8"
ATOM = "#222"
MAX_SCALE = 12.0  # px per µm at most
VIEW_MAX_W, VIEW_MAX_H = 640.0, 360.0  # px: the largest drawing area of one panel
VIEW_MIN_W, VIEW_MIN_H = 230.0, 110.0  # px: the smallest (wider windows keep the scale)
MAX_WIDTH = 1500.0  # px: the grid wraps to stay within this
TITLE_H = 30.0  # px above each panel's drawing area
GUTTER = 14.0  # px left of each panel's drawing area, for the zone labels
GAP = 14.0  # px between panels
MARGIN = 16.0
HEADER_H = 22.0
LEGEND_ROW_H = 18.0


def move_color(order: int) -> str:
    """The colour of the `order`-th move group (0-based) of a rearrangement: the palette, then hues
    a golden angle apart."""
    if order < len(MOVE_PALETTE):
        return MOVE_PALETTE[order]
    r, g, b = colorsys.hls_to_rgb((order * 0.381966) % 1.0, 0.42, 0.7)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


@dataclass
class Arrow:
    """One atom's move in one AOD move group: from `start` to `end` (µm)."""

    qubit: int
    group: int  # the group number in the table
    order: int  # 0-based order of the group within its rearrangement
    start: tuple[float, float]
    end: tuple[float, float]


@dataclass
class Panel:
    """One Rydberg pulse (or, with `pulse` = -1, the moves after the last pulse): the positions
    before the rearrangement that precedes it and at the pulse, the arrows of that rearrangement,
    the pulse's pairs with the gate site (zone, site index) each stands on (None off a gate site),
    and the atoms inside the laser without a partner."""

    pulse: int
    row: int
    stage: int
    start_us: float
    before: np.ndarray
    after: np.ndarray
    arrows: list[Arrow] = field(default_factory=list)
    groups: list[tuple[int, int]] = field(default_factory=list)  # (group number, atoms) in order
    pairs: list[tuple[int, int, tuple[int, int] | None]] = field(default_factory=list)
    unpaired: list[int] = field(default_factory=list)
    traps: np.ndarray | None = None  # the trap (site id) of each atom at the pulse, -1 off a trap

    @property
    def moved(self) -> list[int]:
        """Atoms whose position changed during the rearrangement."""
        return [int(q) for q in np.flatnonzero(np.hypot(*(self.after - self.before).T) > 1e-9)]


def zoned_panels(table, placement, profile, *, max_panels: int = MAX_PANELS) -> tuple[list[Panel], int]:
    """The panels of the first `max_panels` pulses (plus the moves after the last pulse, when every
    pulse is shown and some follow it), and the number of pulses in the program."""
    from navm.passes.analysis.motion import steps
    from navm.passes.analysis.motion_events import MOVE, PULSE, STORE

    arch = profile.architecture
    total = int(np.count_nonzero(table.opcode == OPCODE["rydberg"]))
    sites = np.asarray(placement.sites, dtype=np.int64)
    pos = arch.coords[sites].astype(float).reshape(-1, 2)
    before = pos.copy()
    offsets, flat = table.qubit_offsets, table.qubits
    panels: list[Panel] = []
    arrows: list[Arrow] = []
    groups: list[tuple[int, int]] = []
    if max_panels <= 0:
        return panels, total
    for ev, state, _ in steps(table, placement, profile, strict=False):
        atoms = flat[offsets[ev.start]: offsets[ev.stop]].tolist()
        if ev.kind == MOVE:
            now = state.pos
            order = len(groups)
            groups.append((int(table.params[ev.start, 0]), len(atoms)))
            for q in atoms:
                start, end = tuple(pos[q].tolist()), tuple(now[q].tolist())
                if math.dist(start, end) > 1e-9:
                    arrows.append(Arrow(q, groups[-1][0], order, start, end))
            pos[atoms] = now[atoms]
        elif ev.kind == STORE:
            pos[atoms] = state.pos[atoms]  # a store snaps the atom onto its trap
        elif ev.kind == PULSE:
            trap = np.array(state.trap, dtype=np.int64)  # a copy: the replay updates its arrays in place
            pairs = []
            for a, b in zip(atoms[0::2], atoms[1::2]):
                site = arch.gate_site_of.get(int(trap[a]))
                other = arch.gate_site_of.get(int(trap[b]))
                on_site = site is not None and other is not None and site[:2] == other[:2] and site[2] != other[2]
                pairs.append((a, b, site[:2] if on_site else None))
            lit = np.asarray(arch.in_laser(pos[:, 0], pos[:, 1]), bool)
            lit[atoms] = False
            stage = int(table.stage[ev.start])
            stage = stage if stage >= 0 else len(panels)  # unscheduled: the pulse's index
            panels.append(Panel(len(panels), ev.start, stage, float(table.start[ev.start]), before, pos.copy(),
                                arrows, groups, pairs, [int(q) for q in np.flatnonzero(lit)], trap))
            before, arrows, groups = pos.copy(), [], []
            if len(panels) >= max_panels:
                break
    if arrows and len(panels) == total:
        panels.append(Panel(-1, -1, -1, math.nan, before, pos.copy(), arrows, groups,
                            traps=np.array(state.trap, dtype=np.int64)))
    return panels, total


# ---------------------------------------------------------------------------- geometry


@dataclass
class _View:
    """The window every panel shows: µm (x0, y0)-(x1, y1) at `scale` px per µm."""

    x0: float
    y0: float
    x1: float
    y1: float
    scale: float

    @property
    def w(self) -> float:
        return (self.x1 - self.x0) * self.scale

    @property
    def h(self) -> float:
        return (self.y1 - self.y0) * self.scale

    def px(self, x: float, y: float) -> tuple[float, float]:
        return (x - self.x0) * self.scale, (y - self.y0) * self.scale

    def contains(self, x, y, eps: float = 1e-6):
        return (x >= self.x0 - eps) & (x <= self.x1 + eps) & (y >= self.y0 - eps) & (y <= self.y1 + eps)


def _pitch(coords: np.ndarray) -> float:
    """The smallest distance between two traps among `coords` (a sample suffices: a lattice)."""
    sample = coords[: min(len(coords), 64)]
    if len(sample) < 2:
        return 3.0
    d = np.hypot(sample[:, None, 0] - sample[None, :, 0], sample[:, None, 1] - sample[None, :, 1])
    d = d[d > 1e-9]
    return float(d.min()) if d.size else 3.0


def _view(panels: list[Panel], arch, initial: np.ndarray) -> _View:
    """The window: every position of every shown atom, and both traps of every gate site in use."""
    points = [initial]
    for p in panels:
        points += [p.before, p.after]
        points += [np.array([a.start, a.end]) for a in p.arrows]
        for _, _, site in p.pairs:
            if site is not None:
                z, k = site
                zone = arch.zones[z]
                points.append(arch.coords[[zone.left[k], zone.right[k]]])
    xy = np.concatenate([np.asarray(p, float).reshape(-1, 2) for p in points])
    xy = xy[np.isfinite(xy).all(axis=1)]
    if not len(xy):
        xy = np.zeros((1, 2))
    pad = 1.5 * _pitch(arch.coords[arch.storage]) if len(arch.storage) else 4.5
    x0, y0 = xy.min(axis=0) - pad
    x1, y1 = xy.max(axis=0) + pad
    w, h = x1 - x0, y1 - y0
    scale = min(MAX_SCALE, VIEW_MAX_W / w, VIEW_MAX_H / h)
    if w * scale < VIEW_MIN_W:  # a narrow window: widen it around its centre, at the same scale
        grow = (VIEW_MIN_W / scale - w) / 2
        x0, x1 = x0 - grow, x1 + grow
    if h * scale < VIEW_MIN_H:
        grow = (VIEW_MIN_H / scale - h) / 2
        y0, y1 = y0 - grow, y1 + grow
    return _View(float(x0), float(y0), float(x1), float(y1), float(scale))


# ---------------------------------------------------------------------------- drawing


def _f(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".") if math.isfinite(v) else "0"


def _background(view: _View, arch) -> list[str]:
    """<defs>: the window's traps, gate sites, the laser region and zone labels, as #zoned-background."""
    out = ['<g id="zoned-background">',
           f'<rect class="window" width="{_f(view.w)}" height="{_f(view.h)}" fill="white" stroke="#ccc"/>']
    mark = max(0.8, min(2.0, 0.35 * view.scale))
    for z, zone in enumerate(arch.zones):
        (lx0, ly0), (lx1, ly1) = zone.laser
        cx0, cy0, cx1, cy1 = max(lx0, view.x0), max(ly0, view.y0), min(lx1, view.x1), min(ly1, view.y1)
        if cx0 < cx1 and cy0 < cy1:
            (px0, py0), (px1, py1) = view.px(cx0, cy0), view.px(cx1, cy1)
            out.append(f'<rect class="laser" data-zone="{z}" x="{_f(px0)}" y="{_f(py0)}" width="{_f(px1 - px0)}" '
                       f'height="{_f(py1 - py0)}" fill="{LASER_FILL}"><title>{escape(zone.name)}: the Rydberg '
                       f'laser, x {lx0:g}–{lx1:g} µm, y {ly0:g}–{ly1:g} µm</title></rect>')
        left, right = arch.coords[zone.left], arch.coords[zone.right]
        seen = view.contains(left[:, 0], left[:, 1]) | view.contains(right[:, 0], right[:, 1])
        half = max(2.5, 0.6 * view.scale)  # half the height of a gate site's outline, px
        for k in np.flatnonzero(seen).tolist():
            (ax, ay), (bx, by) = view.px(*left[k]), view.px(*right[k])
            out.append(f'<rect class="gate-site" data-zone="{z}" data-site="{k}" x="{_f(min(ax, bx) - half)}" '
                       f'y="{_f(min(ay, by) - half)}" width="{_f(abs(bx - ax) + 2 * half)}" '
                       f'height="{_f(abs(by - ay) + 2 * half)}" rx="{_f(half)}" fill="none" stroke="#cbb3dd" '
                       f'stroke-width="0.8"/>')
            for x, y in ((ax, ay), (bx, by)):
                out.append(f'<circle class="trap gate" cx="{_f(x)}" cy="{_f(y)}" r="{_f(mark)}" fill="{TRAP}"/>')
        if cx0 < cx1 and cy0 < cy1:
            out.append(_gutter_label(view, z, zone.name, cy0, cy1, "#7b4f9d"))
    storage = arch.coords[arch.storage]
    inside = view.contains(storage[:, 0], storage[:, 1])
    for x, y in storage[inside]:
        px, py = view.px(x, y)
        out.append(f'<rect class="trap storage" x="{_f(px - mark)}" y="{_f(py - mark)}" width="{_f(2 * mark)}" '
                   f'height="{_f(2 * mark)}" fill="{TRAP}"/>')
    if inside.any():  # the storage label spans the window outside the lasers, around the storage rows
        ys = storage[inside, 1]
        lo, hi = view.y0, view.y1
        for zone in arch.zones:
            (_, ly0), (_, ly1) = zone.laser
            if ly0 > ys.max():
                hi = min(hi, ly0)
            if ly1 < ys.min():
                lo = max(lo, ly1)
        out.append(_gutter_label(view, "storage", "storage", lo, hi, "#666"))
    out.append("</g>")
    return out


def _gutter_label(view: _View, key, name: str, y0: float, y1: float, color: str) -> str:
    """A zone's name, rotated, in the gutter left of the window, centred on its rows y0…y1 (µm); a
    bracket marks the rows. The name is shortened to what fits."""
    top, bottom = view.px(0, y0)[1], view.px(0, y1)[1]
    span = bottom - top
    text = name
    while text and 5.0 * len(text) > span - 4:
        text = text[:-1]
    if text != name:
        text = text[:-1] + "…" if len(text) > 2 else ""
    mid = (top + bottom) / 2
    return (f'<g class="zone-label" data-zone="{key}"><title>{escape(name)} zone</title>'
            f'<line x1="{_f(-3)}" y1="{_f(top + 1)}" x2="{_f(-3)}" y2="{_f(bottom - 1)}" stroke="{color}" '
            f'stroke-width="1.5"/><text x="{_f(-6)}" y="{_f(mid)}" transform="rotate(-90 {_f(-6)} {_f(mid)})" '
            f'text-anchor="middle" font-size="8.5" fill="{color}">{escape(text)}</text></g>')


def _arrow(view: _View, a: Arrow, radius: float, badge: bool) -> str:
    (x1, y1), (x2, y2) = view.px(*a.start), view.px(*a.end)
    length = math.hypot(x2 - x1, y2 - y1) or 1.0
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    head = min(7.0, 0.45 * length)
    tip = min(radius + 0.5, 0.4 * length)
    tx, ty = x2 - ux * tip, y2 - uy * tip  # the head's tip stops at the atom's rim
    bx, by = tx - ux * head, ty - uy * head
    color = move_color(a.order)
    parts = [f'<g class="move" data-qubit="{a.qubit}" data-group="{a.group}" data-order="{a.order}" '
             f'data-from-um="{a.start[0]:g} {a.start[1]:g}" data-to-um="{a.end[0]:g} {a.end[1]:g}">'
             f'<title>q{a.qubit}: ({a.start[0]:g}, {a.start[1]:g}) → ({a.end[0]:g}, {a.end[1]:g}) µm, '
             f'move group {a.group} (#{a.order + 1} of this rearrangement)</title>',
             f'<line x1="{_f(x1)}" y1="{_f(y1)}" x2="{_f(x2)}" y2="{_f(y2)}" stroke="{color}" stroke-width="1.6" '
             f'stroke-opacity="0.9"/>',
             f'<polygon points="{_f(tx)},{_f(ty)} {_f(bx - uy * head * 0.45)},{_f(by + ux * head * 0.45)} '
             f'{_f(bx + uy * head * 0.45)},{_f(by - ux * head * 0.45)}" fill="{color}"/>']
    if badge:
        t = (0.3, 0.45, 0.6)[a.order % 3]  # staggered, so badges of crossing arrows rarely meet
        mx, my = x1 + (x2 - x1) * t, y1 + (y2 - y1) * t
        parts.append(f'<circle class="badge" cx="{_f(mx)}" cy="{_f(my)}" r="5" fill="white" stroke="{color}"/>'
                     f'<text x="{_f(mx)}" y="{_f(my + 2.6)}" font-size="7" text-anchor="middle" '
                     f'fill="{color}">{a.order + 1}</text>')
    parts.append("</g>")
    return "".join(parts)


def _panel(view: _View, p: Panel, arch, ox: float, oy: float, font: float) -> list[str]:
    """One panel at (ox, oy); atom labels in `font` px (none when 0)."""
    labels = font > 0
    lit = np.asarray(arch.in_laser(p.after[:, 0], p.after[:, 1]), bool)
    radius = max(2.2, min(6.0, 0.75 * view.scale))
    moved = p.moved
    if p.pulse >= 0:
        title = f"stage {p.stage} · {p.start_us:.2f} µs" if math.isfinite(p.start_us) else f"stage {p.stage}"
    else:
        title = "after the last pulse" if p.groups else "the initial placement"
    bits = [f"{len(p.groups)} move group{'s' * (len(p.groups) != 1)}, {len(moved)} atom{'s' * (len(moved) != 1)} moved"
            if p.groups else "no moves: the atoms stay"]
    if p.pulse >= 0:
        bits.append(f"{len(p.pairs)} pair{'s' * (len(p.pairs) != 1)}")
    if p.unpaired:
        bits.append(f"{len(p.unpaired)} unpaired")
    out = [f'<g class="panel" data-pulse="{p.pulse}" data-stage="{p.stage}" data-row="{p.row}" '
           f'transform="translate({_f(ox)},{_f(oy)})">',
           f'<text class="panel-title" x="0" y="12" font-size="11" font-weight="bold">{escape(title)}</text>',
           f'<text class="panel-subtitle" x="0" y="25" fill="#555">{escape(" · ".join(bits))}</text>',
           f'<g class="view" transform="translate({_f(GUTTER)},{_f(TITLE_H)})" '
           f'data-origin-um="{view.x0!r} {view.y0!r}" data-scale="{view.scale!r}">',
           '<use href="#zoned-background"/>']
    # The pulse's pairs, on their gate sites (under the atoms).
    half = radius + 2.5
    for a, b, site in p.pairs:
        if site is not None:
            z, k = site
            zone = arch.zones[z]
            (ax, ay), (bx, by) = view.px(*arch.coords[zone.left[k]]), view.px(*arch.coords[zone.right[k]])
            where = f' data-zone="{z}" data-site="{k}"'
            what = f"CZ q{a}–q{b}, gate site {k} of {zone.name}"
        else:
            (ax, ay), (bx, by) = view.px(*p.after[a]), view.px(*p.after[b])
            where, what = "", f"CZ q{a}–q{b}, off a gate site"
        length = math.hypot(bx - ax, by - ay)
        angle = math.degrees(math.atan2(by - ay, bx - ax))
        cx, cy = (ax + bx) / 2, (ay + by) / 2
        out.append(f'<rect class="pair" data-qubits="{a} {b}"{where} x="{_f(cx - length / 2 - half)}" '
                   f'y="{_f(cy - half)}" width="{_f(length + 2 * half)}" height="{_f(2 * half)}" rx="{_f(half)}" '
                   f'transform="rotate({_f(angle)} {_f(cx)} {_f(cy)})" fill="{PAIR_FILL}" stroke="{PAIR_STROKE}" '
                   f'stroke-width="1.2"><title>{escape(what)}</title></rect>')
    # Where the moved atoms came from.
    for q in moved:
        x, y = view.px(*p.before[q])
        out.append(f'<circle class="atom-before" data-qubit="{q}" cx="{_f(x)}" cy="{_f(y)}" r="{_f(radius)}" '
                   f'fill="white" stroke="#777" stroke-width="1" stroke-dasharray="2,1.5">'
                   f'<title>q{q} before: ({p.before[q][0]:g}, {p.before[q][1]:g}) µm</title></circle>')
    for a in p.arrows:
        out.append(_arrow(view, a, radius, badge=len(p.groups) > 1))
    # The atoms where they are at the pulse.
    for q in p.unpaired:
        x, y = view.px(*p.after[q])
        out.append(f'<circle class="unpaired" data-qubit="{q}" cx="{_f(x)}" cy="{_f(y)}" r="{_f(radius + 2.5)}" '
                   f'fill="none" stroke="{UNPAIRED}" stroke-width="1.5"><title>q{q} is in the laser without '
                   f'a partner</title></circle>')
    for q, (x_um, y_um) in enumerate(p.after.tolist()):
        x, y = view.px(x_um, y_um)
        out.append(f'<circle class="atom" data-qubit="{q}" cx="{_f(x)}" cy="{_f(y)}" r="{_f(radius)}" '
                   f'fill="{ATOM}"><title>q{q} at ({x_um:g}, {y_um:g}) µm</title></circle>')
        if labels:  # below the atom in the laser (arrows come from storage above), outwards on a gate site
            side = arch.gate_site_of.get(int(p.traps[q]), (0, 0, -1))[2] if p.traps is not None else -1
            anchor, lx = {0: ("end", x + 0.3 * radius), 1: ("start", x - 0.3 * radius)}.get(side, ("middle", x))
            ly = y + radius + font if lit[q] else y - radius - 2
            out.append(f'<text class="atom-label" x="{_f(lx)}" y="{_f(ly)}" text-anchor="{anchor}" '
                       f'font-size="{_f(font)}" stroke="white" stroke-width="2.5" paint-order="stroke">q{q}</text>')
    out += ["</g>", "</g>"]
    return out


def _legend(x: float, y: float, width: float, any_unpaired: bool) -> tuple[list[str], float]:
    """The legend as entries in rows from (x, y), wrapping at `width`; returns its lines and height."""
    entries = [
        ("panel", '<rect x="0" y="-5" width="18" height="10" fill="white" stroke="#ccc"/>',
         "one panel per Rydberg pulse: its stage, start time, and the moves since the previous pulse"),
        ("atom", f'<circle cx="6" cy="0" r="4.5" fill="{ATOM}"/>', "atom at the pulse (qN)"),
        ("before", '<circle cx="6" cy="0" r="4.5" fill="white" stroke="#777" stroke-dasharray="2,1.5"/>',
         "where a moved atom came from"),
        ("move", "".join(f'<line x1="{2 + 8 * i}" y1="-4" x2="{8 + 8 * i}" y2="4" stroke="{move_color(i)}" '
                         f'stroke-width="2"/>' for i in range(3)),
         "AOD move; colour and number = its move group, in order (1, 2, 3…)"),
        ("pair", f'<rect x="0" y="-5" width="18" height="10" rx="5" fill="{PAIR_FILL}" stroke="{PAIR_STROKE}"/>',
         "CZ pair on its gate site"),
        ("laser", f'<rect x="0" y="-5" width="18" height="10" fill="{LASER_FILL}"/>', "Rydberg laser region"),
        ("trap", f'<rect x="2" y="-1.5" width="3" height="3" fill="{TRAP}"/><circle cx="12" cy="0" r="1.5" '
                 f'fill="{TRAP}"/>', "traps: storage ▪, gate site ●"),
    ]
    if any_unpaired:
        entries.append(("unpaired", f'<circle cx="6" cy="0" r="5" fill="none" stroke="{UNPAIRED}" '
                                    'stroke-width="1.5"/>', "in the laser without a partner"))
    out = ['<g class="legend">']
    cx, cy = x, y
    for key, swatch, text in entries:
        w = 30 + 5.2 * len(text)
        if cx > x and cx + w > x + width:
            cx, cy = x, cy + LEGEND_ROW_H
        out.append(f'<g class="legend-entry" data-key="{key}" transform="translate({_f(cx)},{_f(cy)})">{swatch}'
                   f'<text x="30" y="3">{escape(text)}</text></g>')
        cx += w + 18
    out.append("</g>")
    return out, cy - y + LEGEND_ROW_H


def zoned_svg(module, profile, report=None, *, max_panels: int = MAX_PANELS) -> str:
    """The picture of a compiled zoned module on `profile` (a profile with an architecture)."""
    from navm.backends.report.schedule import schedule_report
    from navm.ir.navm import CircuitOp

    if report is None:
        report = schedule_report(module)
    (op,) = [o for o in module.body.block.ops if isinstance(o, CircuitOp)]
    table, placement = op.gate_table, op.qubit_placement
    arch = profile.architecture
    panels, total = zoned_panels(table, placement, profile, max_panels=max_panels)
    initial = arch.coords[np.asarray(placement.sites, dtype=np.int64)].reshape(-1, 2)
    view = _view(panels, arch, initial)
    if not panels:  # no pulse and no move: the placement alone
        panels = [Panel(-1, -1, -1, math.nan, initial, initial.copy())]
    pitch_px = _pitch(arch.coords[arch.storage]) * view.scale if len(arch.storage) else 40.0
    font = min(8.5, 0.5 * pitch_px) if pitch_px >= 13 else 0.0  # atom labels, when neighbours leave room

    panel_w, panel_h = GUTTER + view.w, TITLE_H + view.h
    columns = max(1, min(len(panels), int((MAX_WIDTH - 2 * MARGIN + GAP) // (panel_w + GAP))))
    grid_w = columns * panel_w + (columns - 1) * GAP
    width = max(2 * MARGIN + grid_w, 640.0)
    summary = (f"{report.device or profile.name}: {report.num_qubits} atoms, {total} Rydberg "
               f"pulse{'s' * (total != 1)}, {report.duration_us:.2f} µs, fidelity ≈ {report.fidelity_estimate:.4f}")
    legend, legend_h = _legend(MARGIN, MARGIN + HEADER_H + 4, width - 2 * MARGIN, any(p.unpaired for p in panels))
    top = MARGIN + HEADER_H + legend_h + 10
    rows = math.ceil(len(panels) / columns)
    hidden = total - sum(1 for p in panels if p.pulse >= 0)
    height = top + rows * panel_h + (rows - 1) * GAP + (22 if hidden or total == 0 else 0) + MARGIN
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
           f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="sans-serif" font-size="9">',
           f"<title>{escape(summary)}</title>",
           "<defs>", *_background(view, arch), "</defs>",
           f'<rect width="{width:.0f}" height="{height:.0f}" fill="white"/>',
           f'<text class="summary" x="{MARGIN}" y="{MARGIN + 8}" font-size="12">{escape(summary)}</text>',
           *legend]
    for i, p in enumerate(panels):
        ox = MARGIN + (i % columns) * (panel_w + GAP)
        oy = top + (i // columns) * (panel_h + GAP)
        out += _panel(view, p, arch, ox, oy, font)
    note_y = top + rows * panel_h + (rows - 1) * GAP + 16
    if hidden:
        out.append(f'<text class="more" x="{MARGIN}" y="{_f(note_y)}" font-size="11">+{hidden} more '
                   f'stage{"s" * (hidden != 1)} not drawn (the first {len(panels)} of {total} are)</text>')
    elif total == 0:
        out.append(f'<text class="more" x="{MARGIN}" y="{_f(note_y)}" font-size="11">no Rydberg pulses</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
