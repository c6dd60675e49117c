"""An SVG picture of a compiled circuit: device sites, the occupied ones, and each Rydberg stage's pairs."""

from __future__ import annotations

from xml.sax.saxutils import escape

from navm.backends.report.schedule import ScheduleReport

PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"]


def schedule_svg(report: ScheduleReport, profile, *, scale: float = 12.0, margin: float = 20.0) -> str:
    xs = [s.x for s in profile.sites]
    ys = [s.y for s in profile.sites]
    x0, y0 = min(xs), min(ys)
    width = (max(xs) - x0) * scale + 2 * margin
    height = (max(ys) - y0) * scale + 2 * margin + 20

    def pos(site_id: int) -> tuple[float, float]:
        s = profile.site(site_id)
        return (s.x - x0) * scale + margin, (s.y - y0) * scale + margin

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
           f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="sans-serif" font-size="9">',
           f'<title>{escape(f"{report.device}: {len(report.stages)} Rydberg stages, {report.duration_us:.2f} µs")}</title>']
    for stage in report.stages:
        color = PALETTE[stage.index % len(PALETTE)]
        for a, b in stage.gates:
            (xa, ya), (xb, yb) = pos(report.placement[a]), pos(report.placement[b])
            out.append(f'<line x1="{xa:.1f}" y1="{ya:.1f}" x2="{xb:.1f}" y2="{yb:.1f}" stroke="{color}" '
                       f'stroke-width="3" opacity="0.7"><title>stage {stage.index}: q{a}–q{b}</title></line>')
    occupied = {s: q for q, s in report.placement.items()}
    for site in profile.sites:
        x, y = pos(site.id)
        if site.id in occupied:
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="#222"><title>site {site.id}: '
                       f'q{occupied[site.id]}</title></circle>')
            out.append(f'<text x="{x + 6:.1f}" y="{y - 6:.1f}">q{occupied[site.id]}</text>')
        else:
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="none" stroke="#999">'
                       f'<title>site {site.id}</title></circle>')
    out.append(f'<text x="{margin}" y="{height - 8:.0f}">{escape(report.device or "")}: '
               f'{len(report.stages)} stages, {report.duration_us:.2f} µs, fidelity ≈ {report.fidelity_estimate:.4f}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
