"""`navm health run|show|history|alerts`: W-state heartbeats over a lattice, and their stored history
and alerts (docs/health.md). `run` computes one heartbeat here; with --data/--db it also stores it
in the service's database, where alerts are decided."""

from __future__ import annotations

import json
from typing import Annotated, List, Optional

import typer

from navm.commands.console import out_console
from navm.diagnostics import NavmError

health_app = typer.Typer(help="Lattice health: W-state heartbeats, history, alerts.", no_args_is_help=True)

NODES_HELP = "A generated triangular lattice of N nodes."
TABLE_HELP = "A routing table file (.bin or .json) as the lattice."
DEVICE_HELP = "The device whose compiler and noise model the heartbeat uses."
DATA_HELP = "The service's data folder (its SQLite database), as navm serve --data."
DB_HELP = "A database URL instead, as navm serve --db."

Nodes = Annotated[Optional[int], typer.Option("--nodes", help=NODES_HELP, show_default=False)]
Table = Annotated[Optional[str], typer.Option("--table", help=TABLE_HELP, show_default=False)]
Device = Annotated[str, typer.Option("--device", help=DEVICE_HELP)]
Data = Annotated[Optional[str], typer.Option("--data", help=DATA_HELP, show_default=False)]
Db = Annotated[Optional[str], typer.Option("--db", help=DB_HELP, show_default=False)]
Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _lattice(nodes: Optional[int], table: Optional[str], device: str):
    from navm.runtime.health.heartbeat import generated_lattice, lattice_from_file

    if (nodes is None) == (table is None):
        raise NavmError("give the lattice: --nodes N (a generated triangular lattice) or --table FILE")
    return generated_lattice(nodes, device) if nodes is not None else lattice_from_file(table, device)


def _overrides(degrade: List[str]) -> dict[int, float]:
    out: dict[int, float] = {}
    for item in degrade:
        node, sep, scale = item.partition("=")
        try:
            if not sep:
                raise ValueError
            out[int(node)] = float(scale)
        except ValueError:
            raise NavmError(f"--degrade {item}: write NODE=SCALE, such as 17=10 (node 17's noise ten times "
                            "stronger)") from None
    return out


def _db(data: Optional[str], db: Optional[str]):
    from navm.runtime.jobs.database import database_url, open_database

    return open_database(database_url(data, db))


def _fmt(x) -> str:
    return "—" if x is None else f"{x:.6f}"


@health_app.command("run")
def run(nodes: Nodes = None, table: Table = None, device: Device = "square-16x16",
        degrade: List[str] = typer.Option([], "--degrade", help="NODE=SCALE: that node's noise times SCALE "
                                                                   "(repeat for more).", show_default=False),
        shots: int = typer.Option(0, "--shots", help="Also sample this many outcomes per triangle."),
        seed: Optional[int] = typer.Option(None, "--seed", help="Seed of the samples."),
        data: Annotated[Optional[str], typer.Option("--data", help=DATA_HELP + " Stores the heartbeat.",
                                                    show_default=False)] = None,
        db: Db = None,
        threshold: float = typer.Option(0.9, "--threshold", help="Alert below this W fidelity."),
        drop: float = typer.Option(0.05, "--drop", help="Alert when this far below the node's moving average."),
        json_output: Json = False) -> None:
    """One heartbeat: a W state on every triangle, its fidelity, purity, concurrence and entropy."""
    import numpy as np

    from navm.runtime.health.alerts import AlertRules
    from navm.runtime.health.heartbeat import run_heartbeat

    if shots < 0:
        raise NavmError("--shots must be 0 or more")
    lattice = _lattice(nodes, table, device)
    hb = run_heartbeat(lattice, overrides=_overrides(degrade), shots=shots, seed=seed)
    out = {"lattice": lattice.source, "device": device, **hb.summary()}
    rules = AlertRules(threshold=threshold, drop=drop)
    if data is not None or db is not None:
        from navm.runtime.health import store

        database = _db(data, db)
        stored = store.record(database, lattice, hb, rules)
        out.update(id=stored["id"], alerts_opened=stored["alerts_opened"], alerts_cleared=stored["alerts_cleared"],
                   alerts_open=store.open_alert_count(database, store.lattice_key(lattice)))
    ids = np.asarray(lattice.table.column("node_id"))
    low = np.flatnonzero(hb.node["fidelity"] < threshold)
    out["below_threshold"] = {"threshold": threshold, "nodes": len(low), "first": ids[low[:20]].tolist()}
    if shots:
        totals = hb.samples.sum(axis=0)
        out["samples"] = {"shots_per_triangle": shots, "seed": seed,
                          "totals": {format(i, "03b"): int(totals[i]) for i in range(8) if totals[i]}}
    if json_output:
        print(json.dumps(out, indent=2))
        return
    out_console.print(
        f"heartbeat on {lattice.source} ({device}): {hb.nodes:,} nodes, {hb.triangles:,} triangles in "
        f"{hb.duration_s:.3f} s ({hb.distinct_states} distinct states)\n"
        f"W fidelity: min {_fmt(out['min_fidelity'])}, median {_fmt(out['median_fidelity'])}, "
        f"mean {_fmt(out['mean_fidelity'])}\n"
        f"nodes below {threshold}: {len(low):,}" + (f" (first: {', '.join(map(str, out['below_threshold']['first']))})"
                                                     if len(low) else ""), markup=False)
    if "id" in out:
        out_console.print(f"stored as heartbeat {out['id']}: {out['alerts_opened']} alerts opened, "
                          f"{out['alerts_cleared']} cleared, {out['alerts_open']} open", markup=False)
    if shots:
        out_console.print(f"samples ({shots} per triangle, all triangles): {out['samples']['totals']}", markup=False)


def _key(database, nodes, table, device):
    """The lattice a stored query is about: the one named, else the one with the latest heartbeat."""
    from sqlalchemy import select

    from navm.runtime.health import store
    from navm.runtime.jobs.schema import heartbeats

    if nodes is not None or table is not None:
        return store.lattice_key(_lattice(nodes, table, device))
    with database.read() as conn:
        row = conn.execute(select(heartbeats.c.lattice).order_by(heartbeats.c.id.desc()).limit(1)).first()
    if row is None:
        raise NavmError("no heartbeat is stored there yet: `navm health run --data DIR` stores one")
    return row.lattice


@health_app.command("show")
def show(node: Optional[int] = typer.Option(None, "--node", help="Also this node's metrics."),
         heartbeat: Optional[int] = typer.Option(None, "--id", help="This heartbeat (default: the latest)."),
         nodes: Nodes = None, table: Table = None, device: Device = "square-16x16", data: Data = None,
         db: Db = None, json_output: Json = False) -> None:
    """A stored heartbeat's summary (and a node's metrics in it)."""
    from navm.runtime.health import store

    database = _db(data, db)
    key = _key(database, nodes, table, device)
    found = store.heartbeat_arrays(database, key, heartbeat)
    if found is None:
        raise NavmError(f"no heartbeat {heartbeat}" if heartbeat is not None else "no heartbeat stored")
    summary, arrays = found
    out = {"lattice": key, **summary}
    if node is not None:
        if not 0 <= node < len(arrays["fidelity"]):
            raise NavmError(f"--node {node}: the lattice has nodes 0 to {len(arrays['fidelity']) - 1}")
        out["node"] = {"id": node, **{m: (None if arrays[m][node] != arrays[m][node] else float(arrays[m][node]))
                                      for m in store.METRICS}}
    if json_output:
        print(json.dumps(out, indent=2))
    else:
        for k, v in out.items():
            out_console.print(f"{k}: {v}", markup=False)


@health_app.command("history")
def history(node: Optional[int] = typer.Option(None, "--node", help="One node's metrics over time."),
            limit: int = typer.Option(50, "--limit"),
            nodes: Nodes = None, table: Table = None, device: Device = "square-16x16", data: Data = None,
            db: Db = None, json_output: Json = False) -> None:
    """Stored heartbeats over time (or one node's metrics over them)."""
    from navm.runtime.health import store

    database = _db(data, db)
    key = _key(database, nodes, table, device)
    rows = store.node_history(database, key, node, limit=limit) if node is not None else \
        store.history(database, key, limit=limit)
    if json_output:
        print(json.dumps(rows, indent=2))
        return
    for r in rows:
        out_console.print("  ".join(f"{k}={v:.6g}" if isinstance(v, float) else f"{k}={v}" for k, v in r.items()),
                          markup=False)


@health_app.command("alerts")
def alerts_(all_: bool = typer.Option(False, "--all", help="Cleared alerts too."),
            nodes: Nodes = None, table: Table = None, device: Device = "square-16x16", data: Data = None,
            db: Db = None, json_output: Json = False) -> None:
    """Open alerts (with --all, the cleared ones too)."""
    from navm.runtime.health import store

    database = _db(data, db)
    rows = store.list_alerts(database, _key(database, nodes, table, device), open_only=not all_)
    if json_output:
        print(json.dumps(rows, indent=2))
        return
    if not rows:
        out_console.print("no open alerts" if not all_ else "no alerts", markup=False)
    for r in rows:
        state = "open" if r["cleared_at"] is None else f"cleared at heartbeat {r['cleared_heartbeat']}"
        out_console.print(f"node {r['node']}: {r['kind']} (W fidelity {r['value']:.4f}, baseline "
                          f"{_fmt(r['baseline'])}) since heartbeat {r['opened_heartbeat']}, {state}", markup=False)
