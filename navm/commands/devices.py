"""`navm devices`: the device profiles navm knows, and one profile in full.

    navm devices [--json]                       name, kind, sites, ISA, description of every built-in
    navm devices show NAME|FILE [--json] [--sites]   lattice, zones, gates, timing, noise; --sites: coordinates

The text form is for people; `--json` prints the profile document itself
(what docs/devices.md specifies) with the derived numbers next to it, so
scripts read the same fields the compiler reads.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Optional

import typer

from navm.commands.console import command_group, out_console
from navm.diagnostics import NavmError

devices_app = command_group("devices", "List the built-in device profiles, or show one (lattice, zones, gates, "
                            "timing, noise).", invoke_without_command=True)

SITE_ROWS = 40
"""Sites listed by `show --sites` in the terminal; --json lists them all."""


def _kind(document: dict) -> str:
    lattice = document.get("lattice", {})
    if lattice.get("kind") == "zoned":
        return "zoned (" + ", ".join(z.get("name", "?") for z in lattice.get("zones", [])) + ")"
    return str(lattice.get("kind", "?"))


def _summary(name: str) -> dict:
    from navm.devices import load_profile, profile_document

    profile = load_profile(name)
    document = profile_document(name)
    return {"name": name, "profile_name": profile.name, "kind": _kind(document), "sites": len(profile.sites),
            "isa_version": profile.isa_version, "native_gates": list(profile.gates.native),
            "description": profile.description}


@devices_app.callback()
def devices(ctx: typer.Context,
            json_output: bool = typer.Option(False, "--json", help="Print one JSON array.")) -> None:
    """List the built-in device profiles (name, kind, sites, ISA, native gates)."""
    if ctx.invoked_subcommand is not None:
        return
    from navm.devices import builtin_profiles

    rows = [_summary(name) for name in builtin_profiles()]
    if json_output:
        print(json.dumps(rows, indent=2))
        return
    from rich.table import Table

    table = Table(title="built-in device profiles (navm devices show NAME for one in full)")
    for column in ("name", "kind", "sites", "ISA", "native gates"):
        table.add_column(column, justify="right" if column == "sites" else "left")
    for r in rows:
        table.add_row(r["name"], r["kind"], f"{r['sites']:,}", r["isa_version"], " ".join(r["native_gates"]))
    out_console.print(table)


@devices_app.command()
def show(
    name: str = typer.Argument(..., help="A built-in profile name or a device-profile JSON file.",
                               show_default=False),
    json_output: bool = typer.Option(False, "--json", help="Print the profile document and derived values as JSON."),
    sites: bool = typer.Option(False, "--sites", help="List every site: id, x and y in µm, zone."),
) -> None:
    """Show one device profile: lattice, zones, radii, gates, timing and noise."""
    from navm.devices import load_profile, profile_document

    profile = load_profile(name)
    document = profile_document(name)
    derived = {"sites": len(profile.sites), "restriction_radius_um": profile.restriction_radius_um,
               "zones": dict(Counter(s.zone or "(none)" for s in profile.sites)), "source": profile.source}
    site_list = [{"id": s.id, "x_um": s.x, "y_um": s.y, "zone": s.zone, "min_isa": s.min_isa}
                 for s in profile.sites]
    if json_output:
        out = {"profile": document, "derived": derived}
        if sites:
            out["sites"] = site_list
        print(json.dumps(out, indent=2))
        return
    _render(name, profile, document, derived, site_list if sites else None)


def _render(name: str, profile, document: dict, derived: dict, site_list: Optional[list]) -> None:
    from rich.table import Table
    from rich.text import Text

    head = Table(title=f"{name}: {profile.name} (ISA {profile.isa_version})", show_header=False)
    head.add_column(style="bold")
    head.add_column()

    def row(key: str, value: str) -> None:
        head.add_row(key, Text(value))  # values are data, not rich markup ("[global, local]")

    row("description", profile.description)
    row("lattice", _kind(document) + f", {derived['sites']:,} sites")
    for zone, count in derived["zones"].items():
        row("  zone", f"{zone}: {count:,} sites")
    row("blockade radius", f"{profile.blockade_radius_um:g} µm")
    row("restriction radius", f"{profile.restriction_radius_um:g} µm")
    row("min spacing", f"{profile.min_spacing_um:g} µm")
    gates = document.get("gates", {})
    row("native gates", " ".join(gates.get("native", [])))
    row("addressing", _pairs(gates.get("addressing", {})))
    row("durations", _pairs(gates.get("durations_us", {}), " µs"))
    row("cooldowns", _pairs(gates.get("cooldowns_us", {}), " µs"))
    row("parallelism", _pairs(gates.get("parallelism", {})))
    noise = document.get("noise", {})
    for key, value in noise.items():
        row(f"noise: {key}", _pairs(value) if isinstance(value, dict) else str(value))
    row("source", profile.source)
    out_console.print(head)
    if site_list is None:
        out_console.print("(--sites lists every site's coordinates; --json prints the whole profile)")
        return
    table = Table(title="sites")
    for column in ("id", "x µm", "y µm", "zone"):
        table.add_column(column, justify="right" if column != "zone" else "left")
    for s in site_list[:SITE_ROWS]:
        table.add_row(str(s["id"]), f"{s['x_um']:g}", f"{s['y_um']:g}", s["zone"] or "")
    hidden = len(site_list) - SITE_ROWS
    if hidden > 0:
        table.add_row("…", "", "", f"{hidden:,} more sites (--json lists them all)", style="dim")
    out_console.print(table)


def _pairs(mapping: dict, unit: str = "") -> str:
    def text(value) -> str:
        if isinstance(value, dict):
            return "{" + _pairs(value, unit) + "}"
        if isinstance(value, list):
            return "[" + ", ".join(map(str, value)) + "]"
        return f"{value}{unit}" if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)

    return ", ".join(f"{k}={text(v)}" for k, v in mapping.items()) or "none"


def check_device(name: str) -> str:
    """A --device value that names a built-in profile or an existing file (checked before any work)."""
    from navm.devices import load_profile

    try:
        load_profile(name)
    except NavmError as err:
        raise typer.BadParameter(err.message) from None
    return name
