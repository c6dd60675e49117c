"""`navm routes`: build routing tables (from a device lattice or a VM program), show and query them.

    navm routes build (--device NAME [--nodes N] | --program FILE.qbc --base ADDR --count N [--engine E]) -o OUT
    navm routes show FILE [--node K | --limit N] [--json]
    navm routes find FILE (--sigma S | --j RE,IM | --triangle T) [--json]
    navm routes route FILE SRC DST [--scale-um L] [--json]

docs/routing-table.md describes the tables; user errors are NavmErrors (exit 2).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import typer

from navm.commands.console import command_group, out_console
from navm.diagnostics import NavmError

routes_app = command_group("routes", "Build, show and query routing tables (docs/routing-table.md).",
                           no_args_is_help=True)

DEFAULT_LIMIT = 20


def _print_json(value: Any) -> None:
    print(json.dumps(value, indent=2))


def _print_table(table) -> None:
    """Print a rich table: fitted to a terminal, at its natural width into a pipe or file (no folding)."""
    from rich.console import Console
    from rich.measure import Measurement

    if out_console.is_terminal:
        out_console.print(table)
        return
    width = Measurement.get(out_console, out_console.options.update_width(10_000), table).maximum
    Console(width=width, highlight=False, soft_wrap=True).print(table)


# ---------------------------------------------------------------- build


@routes_app.command()
def build(
    output: Path = typer.Option(..., "-o", "--output", help="Where to write the table: OUT.bin or OUT.json.",
                                show_default=False),
    device: Optional[str] = typer.Option(None, "--device", help="Build from this device profile's lattice."),
    nodes: Optional[int] = typer.Option(None, "--nodes", help="With --device: the first N sites (default: all)."),
    program: Optional[Path] = typer.Option(None, "--program", help="Build from the region a QBC program writes."),
    base: Optional[str] = typer.Option(None, "--base", help="With --program: the region's address (e.g. 0x10000)."),
    count: Optional[int] = typer.Option(None, "--count", help="With --program: the number of 128-byte entries."),
    engine: Optional[str] = typer.Option(None, "--engine", help="With --program: the VM engine (default compiled)."),
    json_output: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """Build a routing table and write it (binary .bin or JSON mirror .json)."""
    from navm.backends.routing_table import files

    kind = files.format_of(output)  # a bad suffix fails before any work
    table = _build_table(device, nodes, program, base, count, engine)
    size = files.save(table, output)
    summary = {"output": str(output), "format": kind, "version": _version(), "entries": len(table),
               "triangles": table.triangle_count, "bytes": size}
    if json_output:
        _print_json(summary)
        return
    out_console.print(f"wrote {len(table)} entries ({table.triangle_count} triangles) to {output}: "
                     f"{kind} routing table, format {summary['version']}, {size} bytes", markup=False)


def _version() -> int:
    from navm.backends.routing_table import FORMAT_VERSION

    return FORMAT_VERSION


def _build_table(device, nodes, program, base, count, engine):
    from navm.backends.routing_table import from_device, from_program

    if (device is None) == (program is None):
        raise NavmError("routes build needs exactly one source: --device NAME or --program FILE.qbc")
    if device is not None:
        extra = [flag for flag, value in (("--base", base), ("--count", count), ("--engine", engine))
                 if value is not None]
        if extra:
            raise NavmError(f"{', '.join(extra)} only go with --program")
        return from_device(device, nodes)
    if nodes is not None:
        raise NavmError("--nodes only goes with --device (a program's region has --count entries)")
    if base is None or count is None:
        raise NavmError("--program needs --base ADDR and --count N: where its routes region starts, and how "
                        "many 128-byte entries it holds")
    if count < 0:
        raise NavmError(f"--count must be >= 0, got {count}")
    return from_program(program, _address(base), count, engine=engine or "compiled")


def _address(text: str) -> int:
    try:
        return int(text, 0)
    except ValueError:
        raise NavmError(f"--base must be an address (decimal, or hex like 0x10000), got '{text}'") from None


# ---------------------------------------------------------------- show


@routes_app.command()
def show(
    file: Path = typer.Argument(..., help="A routing table (.bin or .json).", show_default=False),
    node: Optional[int] = typer.Option(None, "--node", help="Show only this node's entry."),
    limit: Optional[int] = typer.Option(None, "--limit", help=f"Show the first N entries (default {DEFAULT_LIMIT})."),
    json_output: bool = typer.Option(False, "--json", help="Print JSON (the mirror's keys) instead of a table."),
) -> None:
    """Print a routing table's summary and entries."""
    from navm.backends.routing_table import load

    if node is not None and limit is not None:
        raise NavmError("use --node K or --limit N, not both")
    if limit is not None and limit < 0:
        raise NavmError(f"--limit must be >= 0, got {limit}")
    table = load(file)
    shown = DEFAULT_LIMIT if limit is None else limit
    rows = [table.row_of(node)] if node is not None else list(range(min(len(table), shown)))
    entries = table.entries(rows)
    if json_output:
        _print_json({"file": str(file), "version": _version(), "count": len(table),
                     "triangles": table.triangle_count, "entries": entries})
        return
    out_console.print(f"{file}: routing table format {_version()}, {len(table)} entries, "
                  f"{table.triangle_count} triangles", markup=False)
    _print_table(_entry_table(entries))
    if node is None and len(rows) < len(table):
        out_console.print(f"(first {len(rows)} of {len(table)} entries; --limit N shows more)", markup=False)


def _entry_table(entries: list[dict[str, Any]], extra: tuple[str, str] | None = None):
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for title in ("node", "site", "x µm", "y µm", "σ", "j", "tri", "record", "fidelity", "neighbours"):
        table.add_column(title, justify="left" if title == "neighbours" else "right",
                         no_wrap=title != "neighbours", overflow="fold")
    if extra:
        table.add_column(extra[0], justify="right", no_wrap=True)
    for e in entries:
        cells = [str(e["node_id"]), str(e["site_id"]), f"{e['x_um']:g}", f"{e['y_um']:g}", f"{e['sigma']:.6g}",
                 f"{e['j_re']:.1f}{e['j_im']:+.1f}i", "-" if e["triangle"] < 0 else str(e["triangle"]),
                 f"{e['record_addr']:#x}", f"{e['fidelity']:.6g}", " ".join(map(str, e["neighbours"]))]
        if extra:
            cells.append(f"{e[extra[1]]:.6g}")
        table.add_row(*cells)
    return table


# ---------------------------------------------------------------- find


@routes_app.command()
def find(
    file: Path = typer.Argument(..., help="A routing table (.bin or .json).", show_default=False),
    sigma: Optional[float] = typer.Option(None, "--sigma", help="The node nearest this σ (wraps round 8)."),
    j: Optional[str] = typer.Option(None, "--j", help="The node nearest this j-coordinate: RE,IM."),
    triangle: Optional[int] = typer.Option(None, "--triangle", help="The nodes of triangle T."),
    json_output: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Find nodes by σ-address, j-coordinate or triangle."""
    from navm.backends.routing_table import load
    from navm.backends.routing_table.lookup import j_distance, sigma_distance

    given = [name for name, value in (("--sigma", sigma), ("--j", j), ("--triangle", triangle)) if value is not None]
    if len(given) != 1:
        raise NavmError("routes find needs exactly one of --sigma S, --j RE,IM or --triangle T"
                        + (f" (got {', '.join(given)})" if given else ""))
    table = load(file)
    extra = None
    if sigma is not None:
        query: dict[str, Any] = {"sigma": sigma}
        entries = table.entries(table.nearest_sigma(sigma).reshape(1))
        entries[0]["distance"] = float(sigma_distance(entries[0]["sigma"], sigma))
        extra = ("σ distance", "distance")
    elif j is not None:
        re_, im_ = _complex_pair(j)
        query = {"j": [re_, im_]}
        row = table.nearest_j(re_, im_).reshape(1)
        entries = table.entries(row)
        entries[0]["distance"] = float(j_distance(table, row, re_, im_)[0])
        extra = ("j distance", "distance")
    else:
        query = {"triangle": triangle}
        entries = table.entries(table.triangle(triangle))
        if not entries:
            raise NavmError(f"no node of {file} is in triangle {triangle} (it has {table.triangle_count} "
                            "triangles)")
    if json_output:
        _print_json({"file": str(file), "query": query, "entries": entries})
        return
    _print_table(_entry_table(entries, extra))


def _complex_pair(text: str) -> tuple[float, float]:
    parts = text.split(",")
    try:
        if len(parts) != 2:
            raise ValueError
        return float(parts[0]), float(parts[1])
    except ValueError:
        raise NavmError(f"--j takes two numbers RE,IM (e.g. --j 0,1728), got '{text}'") from None


# ---------------------------------------------------------------- route


@routes_app.command()
def route(
    file: Path = typer.Argument(..., help="A routing table (.bin or .json).", show_default=False),
    source: int = typer.Argument(..., help="Node id to start from.", show_default=False),
    target: int = typer.Argument(..., help="Node id to reach.", show_default=False),
    scale_um: float = typer.Option(1000.0, "--scale-um", help="Distance scale L: a hop costs -ln √(f·f') + d/L."),
    json_output: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """The least-cost route between two nodes (A* over the neighbour lists)."""
    from rich import box
    from rich.table import Table

    from navm.backends.routing_table import load

    table = load(file)
    found = table.route(source, target, distance_scale_um=scale_um)
    if json_output:
        _print_json({"file": str(file), **found.to_json()})
        return
    out_console.print(f"route {source} → {target}: {found.hops} hops, {found.distance_um:.6g} µm, fidelity "
                  f"{found.fidelity:.6g}, cost {found.cost:.6g} (L = {found.distance_scale_um:g} µm)", markup=False)
    steps = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for title in ("step", "node", "site", "x µm", "y µm", "σ"):
        steps.add_column(title, justify="right", no_wrap=True)
    for k, e in enumerate(table.entries(table.rows_of(list(found.nodes)))):
        steps.add_row(str(k), str(e["node_id"]), str(e["site_id"]), f"{e['x_um']:g}", f"{e['y_um']:g}",
                      f"{e['sigma']:.6g}")
    _print_table(steps)
