"""`navm exec`: run a classical QBC program on the VM and print its registers (and memory regions).

    navm exec FILE.qbc [--engine compiled|reference] [--max-steps N]
                       [--region BASE,ENTRY_BYTES,COUNT[,NAME:TYPE...]]... [--limit N] [--json]

A region is read as `VMResult.region` reads it (docs/vm.md): COUNT entries of
ENTRY_BYTES bytes from BASE, fields NAME:TYPE for consecutive words (TYPE int
or float); without fields every word is shown as it was stored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import typer

from navm.diagnostics import NavmError

ENTRY_ROWS = 20


@dataclass(frozen=True)
class RegionSpec:
    base: int
    entry_bytes: int
    count: int
    fields: tuple[tuple[str, str], ...]
    text: str


def parse_region(text: str) -> RegionSpec:
    """`0x1000,16,4,node:int,sigma:float` → a RegionSpec; a BadParameter says what is wrong."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) < 3:
        raise typer.BadParameter(f"'{text}': write BASE,ENTRY_BYTES,COUNT[,NAME:TYPE...], "
                                 "e.g. 0x1000,16,4,node:int,sigma:float")
    numbers = []
    for what, part in zip(("BASE", "ENTRY_BYTES", "COUNT"), parts[:3]):
        try:
            numbers.append(int(part, 0))
        except ValueError:
            raise typer.BadParameter(f"'{text}': {what} must be a whole number (decimal or 0x…), "
                                     f"got '{part}'") from None
    base, entry, count = numbers
    if base < 0 or entry <= 0 or entry % 8 or count < 0:
        raise typer.BadParameter(f"'{text}': BASE must be >= 0, ENTRY_BYTES a positive multiple of 8 "
                                 "and COUNT >= 0")
    fields = []
    for part in parts[3:]:
        name, _, kind = part.partition(":")
        if not name or kind not in ("int", "float"):
            raise typer.BadParameter(f"'{text}': field '{part}' must be NAME:int or NAME:float")
        fields.append((name, kind))
    return RegionSpec(base, entry, count, tuple(fields), text)


def exec_command(file: str, *, engine: str, max_steps: int | None, regions: list[RegionSpec], limit: int,
                 json_output: bool, console, progress) -> None:
    from navm.frontend import language_of
    from navm.progress import task
    from navm.runtime.vm import execute

    if language_of(file) != "qbc":
        raise NavmError(f"{file}: navm exec runs QBC programs (.qbc); compile circuits with navm compile/run")
    with task(progress, f"running {file} on the {engine} VM"):
        result = execute(file, engine=engine, max_steps=max_steps)
    tables = [(spec, _region_rows(result, spec)) for spec in regions]
    if json_output:
        print(json.dumps({"engine": engine, "steps": result.steps, "registers": list(result.registers),
                          "stack": list(result.stack),
                          "regions": [{"spec": spec.text, "base": spec.base, "entry_bytes": spec.entry_bytes,
                                       "count": spec.count, "entries": rows} for spec, rows in tables]},
                         indent=2))
        return
    _render(file, engine, result, tables, limit, console)


def _region_rows(result, spec: RegionSpec) -> list[dict]:
    if spec.fields:
        array = result.region(spec.base, spec.entry_bytes, spec.count, list(spec.fields))
        return [{name: row[name].item() for name, _ in spec.fields} for row in array]
    words = spec.entry_bytes // 8
    return [{f"+{8 * w}": result.read(spec.base + k * spec.entry_bytes + 8 * w) for w in range(words)}
            for k in range(spec.count)]


def _render(file: str, engine: str, result, tables, limit: int, console) -> None:
    from rich.table import Table

    regs = Table(title=f"{file}: {result.steps:,} instructions on the {engine} engine")
    regs.add_column("register")
    regs.add_column("value", justify="right")
    regs.add_column("type")
    for k, value in enumerate(result.registers):
        regs.add_row(f"r{k}", repr(value), type(value).__name__)
    console.print(regs)
    console.print(f"value stack: {list(result.stack) if result.stack else 'empty'}", markup=False)
    for spec, rows in tables:
        table = Table(title=f"region {spec.text}")
        table.add_column("entry", justify="right")
        table.add_column("address", justify="right")
        names = list(rows[0]) if rows else [name for name, _ in spec.fields]
        for name in names:
            table.add_column(name, justify="right")
        for k, row in enumerate(rows[:limit]):
            table.add_row(str(k), hex(spec.base + k * spec.entry_bytes), *(repr(v) for v in row.values()))
        if len(rows) > limit:
            table.add_row("…", "", f"{len(rows) - limit:,} more entries (--limit N, or --json)",
                          *[""] * max(len(names) - 1, 0), style="dim")
        if not rows:
            table.add_row("(none)", "", *[""] * len(names))
        console.print(table)
