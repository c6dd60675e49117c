"""/v1/lattice: the watched lattice, its nodes and triangles with the latest heartbeat's metrics,
heartbeat history, alerts, routes, the map's binary arrays, QBC packets, and heartbeat events."""

from __future__ import annotations

import asyncio
import json
import math

import numpy as np
from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse

from navm.runtime.health import store
from navm.runtime.jobs.tenants import Principal
from navm.runtime.service.auth import require
from navm.runtime.service.health import alert_json, public_summary
from navm.runtime.service.problems import Problem
from navm.runtime.service.views import parse_time

router = APIRouter(prefix="/v1/lattice", tags=["lattice"])
BINARY = "application/octet-stream"


def _health(request: Request):
    health = getattr(request.app.state.navm, "health", None)
    if health is None:
        raise Problem(404, "no-lattice", "this server watches no lattice: start it with --lattice-nodes N or "
                      "--lattice-table FILE (and --heartbeat-every for periodic heartbeats)")
    return health


def _number(x) -> float | None:
    x = float(x)
    return None if math.isnan(x) else x


def _row(health, node: int) -> int:
    row = health.row(node)
    if row is None:
        raise Problem(404, "node-not-found", f"no node {node}: the lattice has {health.lattice.nodes:,} nodes")
    return row


@router.get("", summary="The lattice and its latest heartbeat")
def lattice(request: Request, who: Principal = Depends(require("read"))) -> dict:
    h = _health(request)
    latest = None
    if h.latest is not None:
        latest = {**public_summary(h.latest[0]), "alerts_open": store.open_alert_count(h.db, h.key)}
    return {"nodes": h.lattice.nodes, "triangles": h.lattice.triangles, "device": h.lattice.device,
            "source": h.lattice.source, "heartbeat_every_s": h.settings.every_s, "latest": latest}


@router.get("/layout.bin", summary="x (float32, µm), y (float32, µm), triangle (int32) of every node")
def layout(request: Request, who: Principal = Depends(require("read"))) -> Response:
    h = _health(request)
    t = h.lattice.table
    body = b"".join([np.asarray(t.column("x_um"), "<f4").tobytes(), np.asarray(t.column("y_um"), "<f4").tobytes(),
                     np.asarray(t.column("triangle"), "<i4").tobytes()])
    return Response(body, media_type=BINARY, headers={"Cache-Control": "max-age=60"})


def _arrays(h, hb: str) -> tuple[dict, dict[str, np.ndarray]]:
    if hb == "latest":
        found = h.latest
    elif hb.isdigit():
        found = store.heartbeat_arrays(h.db, h.key, int(hb))
    else:
        found = None
    if found is None or len(found[1]["fidelity"]) != h.lattice.nodes:
        raise Problem(404, "heartbeat-not-found", f"no heartbeat {hb} with its node arrays (old heartbeats keep "
                      "their summary only)")
    return found


@router.get("/heartbeats/{hb}/fidelity.bin", summary="W fidelity (float32) of every node; NaN: no triangle")
def fidelity_bin(request: Request, hb: str, who: Principal = Depends(require("read"))) -> Response:
    _, arrays = _arrays(_health(request), hb)
    return Response(np.asarray(arrays["fidelity"], "<f4").tobytes(), media_type=BINARY)


@router.get("/heartbeats/{hb}/packets", summary="The heartbeat's node states as QBC packets (48 bytes each)")
def packets(request: Request, hb: str, who: Principal = Depends(require("read"))) -> Response:
    from navm.runtime.packets.batch import encode_batch

    h = _health(request)
    summary, arrays = _arrays(h, hb)
    has = np.isfinite(arrays["fidelity"])
    t = h.lattice.table
    data = encode_batch(np.asarray(t.column("sigma"))[has], np.clip(arrays["entropy"][has], 0, None),
                        np.clip(arrays["purity"][has], 0.0, 1.0), h.ids[has],
                        np.int64(round(summary["created_at"] * 1e9)))
    return Response(data.tobytes(), media_type="application/vnd.navm.qbc-packets",
                    headers={"X-Packet-Count": str(int(has.sum())), "X-Heartbeat-Id": str(summary["id"])})


@router.get("/heartbeats", summary="Heartbeats over a time range, newest first")
def heartbeats(request: Request, since: str | None = None, until: str | None = None,
               limit: int = Query(200, ge=1, le=10_000), who: Principal = Depends(require("read"))) -> dict:
    h = _health(request)
    rows = store.history(h.db, h.key, since=parse_time(since, "since"), until=parse_time(until, "until"), limit=limit)
    return {"heartbeats": [public_summary(r) for r in rows]}


@router.post("/heartbeat", summary="Run a heartbeat now (admin)")
def beat(request: Request, who: Principal = Depends(require("admin"))) -> dict:
    return public_summary(_health(request).beat())


@router.get("/nodes", summary="Nodes nearest a σ-address")
def by_sigma(request: Request, sigma: float = Query(..., ge=0, lt=8), who: Principal = Depends(require("read"))) -> dict:
    h = _health(request)
    rows = np.atleast_1d(h.lattice.table.nearest_sigma(sigma))
    return {"sigma": sigma, "nodes": [_node_json(h, int(r)) for r in rows[:8]]}


def _node_json(h, row: int) -> dict:
    t = h.lattice.table
    entry = t.entry(row)
    metrics = None
    if h.latest is not None:
        arrays = h.latest[1]
        metrics = {m: _number(arrays[m][row]) for m in store.METRICS}
    tri = int(h.lattice.triangle_of[row])
    return {"id": int(h.ids[row]), "site_id": int(entry["site_id"]), "sigma": entry["sigma"],
            "j": [entry["j_re"], entry["j_im"]], "x_um": entry["x_um"], "y_um": entry["y_um"],
            "triangle": tri if tri >= 0 else None, "neighbours": t.neighbours_of(row),
            "routing": entry, "metrics": metrics}


@router.get("/nodes/{node}", summary="A node: its place, routing entry, latest metrics and open alert")
def node(request: Request, node: int, who: Principal = Depends(require("read"))) -> dict:
    from sqlalchemy import select

    from navm.runtime.jobs.schema import alerts

    h = _health(request)
    out = _node_json(h, _row(h, node))
    with h.db.read() as conn:
        alert = conn.execute(select(alerts).where(alerts.c.lattice == h.key, alerts.c.node == node,
                                                  alerts.c.cleared_at.is_(None))).mappings().first()
    out["alert"] = alert_json(dict(alert)) if alert else None
    return out


@router.get("/nodes/{node}/history", summary="A node's metrics over heartbeats, oldest first")
def node_history(request: Request, node: int, since: str | None = None, until: str | None = None,
                 limit: int = Query(200, ge=1, le=10_000), who: Principal = Depends(require("read"))) -> dict:
    from navm.runtime.service.views import rfc3339

    h = _health(request)
    points = store.node_history(h.db, h.key, _row(h, node), since=parse_time(since, "since"),
                                until=parse_time(until, "until"), limit=limit)
    return {"node": node, "points": [{**p, "time": rfc3339(p["time"])} for p in points]}


@router.post("/nodes/{node}:degrade", summary="Model a degraded node: its noise times `scale` (admin)")
def degrade(request: Request, node: int, scale: float = Body(..., embed=True, ge=0, le=1e6),
            who: Principal = Depends(require("admin"))) -> dict:
    h = _health(request)
    _row(h, node)
    with h.lock:
        if scale == 1.0:
            h.overrides.pop(node, None)
        else:
            h.overrides[node] = scale
    return {"node": node, "scale": scale, "overrides": {str(k): v for k, v in sorted(h.overrides.items())}}


@router.get("/triangles/{tri}", summary="A triangle: its nodes and metrics")
def triangle(request: Request, tri: int, who: Principal = Depends(require("read"))) -> dict:
    h = _health(request)
    if not 0 <= tri < h.lattice.triangles:
        raise Problem(404, "triangle-not-found", f"no triangle {tri}: the lattice has {h.lattice.triangles:,}")
    rows = h.lattice.members[tri]
    metrics = None
    if h.latest is not None:
        a = h.latest[1]
        ent = [_number(a["entropy"][r]) for r in rows]
        # pair concurrences from the nodes' averages: node k's is the mean of its two pairs
        n0, n1, n2 = (a["concurrence"][r] for r in rows)
        pairs = [n0 + n1 - n2, n0 + n2 - n1, n1 + n2 - n0]
        metrics = {"fidelity": _number(a["fidelity"][rows[0]]), "purity": _number(a["purity"][rows[0]]),
                   "concurrence": [_number(p) for p in pairs], "entropy": ent}
    return {"id": tri, "nodes": [int(h.ids[r]) for r in rows], "metrics": metrics}


@router.get("/alerts", summary="Alerts (open, or all)")
def alerts(request: Request, state: str = Query("open", pattern="^(open|all)$"),
           limit: int = Query(1000, ge=1, le=100_000), who: Principal = Depends(require("read"))) -> dict:
    h = _health(request)
    return {"alerts": [alert_json(a) for a in store.list_alerts(h.db, h.key, open_only=state == "open",
                                                                 limit=limit)]}


@router.get("/route", summary="The least-cost route between two nodes (the routing table's A*)")
def route(request: Request, source: int = Query(..., alias="from"), target: int = Query(..., alias="to"),
          who: Principal = Depends(require("read"))) -> dict:
    from navm.backends.routing_table.route import shortest_route
    from navm.diagnostics import NavmError

    h = _health(request)
    _row(h, source)
    _row(h, target)
    try:
        return shortest_route(h.lattice.table, source, target).to_json()
    except NavmError as err:
        raise Problem(404, "no-route", err.message) from None


@router.get("/events", summary="Heartbeats and alerts as server-sent events")
async def events(request: Request, who: Principal = Depends(require("read"))):
    h = _health(request)
    queue = h.subscribe()

    async def stream():
        try:
            yield ": navm lattice events\n\n"
            while True:
                try:
                    kind, data = await asyncio.wait_for(queue.get(), 15)
                except asyncio.TimeoutError:
                    if await request.is_disconnected():
                        return
                    yield ": keep-alive\n\n"
                    continue
                yield f"event: {kind}\ndata: {json.dumps(data)}\n\n"
        finally:
            h.unsubscribe(queue)

    return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})

