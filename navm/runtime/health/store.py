"""Heartbeats and alerts in the service's database (the tables of migration 0002): each heartbeat
one row, its per-node metrics as raw little-endian float32 arrays (N × 4 bytes each), so that a
node's history is a SUBSTR per heartbeat and never a decode of whole arrays; alerts as rows, opened
and cleared by navm.runtime.health.alerts; each lattice's moving-average baseline as an array."""

from __future__ import annotations

import time

import numpy as np
from sqlalchemy import Connection, func, insert, select, update

from navm.runtime.health.alerts import AlertRules, decide
from navm.runtime.health.heartbeat import Heartbeat, Lattice
from navm.runtime.jobs.database import Database
from navm.runtime.jobs.schema import alerts, heartbeats, lattice_state

METRICS = ("fidelity", "purity", "concurrence", "entropy")
SUMMARY = ("id", "created_at", "duration_s", "nodes", "triangles", "min_fidelity", "median_fidelity",
           "mean_fidelity", "alerts_opened", "alerts_cleared")


def lattice_key(lattice: Lattice) -> str:
    return f"{lattice.device}|{lattice.source}"[:255]


def to_blob(values: np.ndarray) -> bytes:
    return np.asarray(values, dtype="<f4").tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<f4").astype(np.float64)


def record(db: Database, lattice: Lattice, hb: Heartbeat, rules: AlertRules = AlertRules()) -> dict:
    """Store a heartbeat, open and clear alerts; the stored summary (with `id`)."""
    key = lattice_key(lattice)
    ids = np.asarray(lattice.table.column("node_id"), dtype=np.int64)
    summary = hb.summary()
    with db.write() as conn:
        state = conn.execute(select(lattice_state).where(lattice_state.c.lattice == key)).mappings().first()
        baseline = from_blob(state["baseline"]) if state is not None and len(state["baseline"]) == 4 * hb.nodes \
            else np.full(hb.nodes, np.nan)
        count = state["heartbeats"] if state is not None and len(baseline) == hb.nodes else 0
        open_rows = _open_alert_rows(conn, key, ids)
        alerting = np.zeros(hb.nodes, bool)
        alerting[open_rows] = True
        decision = decide(hb.node["fidelity"], baseline, count, alerting, rules)
        hb_id = conn.execute(insert(heartbeats).values(
            lattice=key, created_at=hb.time, duration_s=hb.duration_s, nodes=hb.nodes, triangles=hb.triangles,
            min_fidelity=summary["min_fidelity"], median_fidelity=summary["median_fidelity"],
            mean_fidelity=summary["mean_fidelity"], alerts_opened=len(decision.opened),
            alerts_cleared=len(decision.cleared), **{m: to_blob(hb.node[m]) for m in METRICS})).inserted_primary_key[0]
        now = time.time()
        if len(decision.opened):
            conn.execute(insert(alerts), [
                {"lattice": key, "node": int(ids[r]), "kind": str(kind), "value": float(hb.node["fidelity"][r]),
                 "baseline": None if not np.isfinite(baseline[r]) else float(baseline[r]), "opened_at": now,
                 "opened_heartbeat": hb_id} for r, kind in zip(decision.opened.tolist(), decision.kinds.tolist())])
        if len(decision.cleared):
            conn.execute(update(alerts).where(alerts.c.lattice == key, alerts.c.cleared_at.is_(None),
                                              alerts.c.node.in_([int(ids[r]) for r in decision.cleared]))
                         .values(cleared_at=now, cleared_heartbeat=hb_id))
        values = {"heartbeats": count + 1, "baseline": to_blob(decision.baseline), "updated_at": now}
        if state is None:
            conn.execute(insert(lattice_state).values(lattice=key, **values))
        else:
            conn.execute(update(lattice_state).where(lattice_state.c.lattice == key).values(**values))
    return {"id": int(hb_id), "created_at": hb.time, **summary, "alerts_opened": len(decision.opened),
            "alerts_cleared": len(decision.cleared)}


def _open_alert_rows(conn: Connection, key: str, ids: np.ndarray) -> np.ndarray:
    nodes = [r.node for r in conn.execute(select(alerts.c.node).where(alerts.c.lattice == key,
                                                                     alerts.c.cleared_at.is_(None)))]
    order = np.argsort(ids)
    pos = np.searchsorted(ids, nodes, sorter=order)
    return order[pos] if len(nodes) else np.zeros(0, np.int64)


def history(db: Database, key: str, *, since: float | None = None, until: float | None = None,
            limit: int = 200) -> list[dict]:
    """Heartbeat summaries, newest first."""
    query = select(*[heartbeats.c[c] for c in SUMMARY]).where(heartbeats.c.lattice == key)
    if since is not None:
        query = query.where(heartbeats.c.created_at >= since)
    if until is not None:
        query = query.where(heartbeats.c.created_at < until)
    with db.read() as conn:
        return [dict(r) for r in conn.execute(query.order_by(heartbeats.c.id.desc()).limit(limit)).mappings()]


def node_history(db: Database, key: str, row: int, *, since: float | None = None, until: float | None = None,
                 limit: int = 200) -> list[dict]:
    """A node's metrics over heartbeats (oldest first): four 4-byte SUBSTRs per heartbeat."""
    cols = [func.substr(heartbeats.c[m], 4 * row + 1, 4).label(m) for m in METRICS]
    query = select(heartbeats.c.id, heartbeats.c.created_at, *cols).where(heartbeats.c.lattice == key,
                                                                        heartbeats.c.nodes > row)
    if since is not None:
        query = query.where(heartbeats.c.created_at >= since)
    if until is not None:
        query = query.where(heartbeats.c.created_at < until)
    with db.read() as conn:
        rows = conn.execute(query.order_by(heartbeats.c.id.desc()).limit(limit)).mappings().all()
    out = []
    for r in reversed(rows):
        point = {"heartbeat_id": r["id"], "time": r["created_at"]}
        for m in METRICS:
            value = float(np.frombuffer(bytes(r[m]), "<f4")[0])
            point[m] = None if not np.isfinite(value) else value
        out.append(point)
    return out


def heartbeat_arrays(db: Database, key: str, hb_id: int | None = None) -> tuple[dict, dict[str, np.ndarray]] | None:
    """(summary, node arrays) of a heartbeat (the latest if `hb_id` is None)."""
    query = select(heartbeats).where(heartbeats.c.lattice == key)
    query = query.where(heartbeats.c.id == hb_id) if hb_id is not None else query.order_by(heartbeats.c.id.desc())
    with db.read() as conn:
        row = conn.execute(query.limit(1)).mappings().first()
    if row is None:
        return None
    return {c: row[c] for c in SUMMARY}, {m: from_blob(row[m]) for m in METRICS}


def list_alerts(db: Database, key: str, *, open_only: bool = False, limit: int = 1000) -> list[dict]:
    query = select(alerts).where(alerts.c.lattice == key)
    if open_only:
        query = query.where(alerts.c.cleared_at.is_(None))
    with db.read() as conn:
        return [dict(r) for r in conn.execute(query.order_by(alerts.c.id.desc()).limit(limit)).mappings()]


def open_alert_count(db: Database, key: str) -> int:
    with db.read() as conn:
        return conn.execute(select(func.count()).select_from(alerts).where(
            alerts.c.lattice == key, alerts.c.cleared_at.is_(None))).scalar_one()
