"""The lattice the service watches: its routing table, the latest heartbeat's per-node metrics in
memory (so that a node, a triangle or the map is answered without reading the database), periodic
heartbeats in a background thread (`navm serve --heartbeat-every 4s`), each one stored
(navm.runtime.health.store) and announced to /v1/lattice/events, and the old heartbeats' arrays
pruned past `keep` (their summaries stay)."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import update

from navm.runtime.health import store
from navm.runtime.health.alerts import AlertRules
from navm.runtime.health.heartbeat import Lattice, run_heartbeat
from navm.runtime.jobs.database import Database
from navm.runtime.jobs.schema import heartbeats

log = logging.getLogger("navm.health")


@dataclass
class HealthSettings:
    nodes: int | None = None
    table: str | None = None
    device: str = "square-16x16"
    every_s: float | None = None
    keep: int = 1000
    rules: AlertRules = field(default_factory=AlertRules)


def watched_lattice(settings: HealthSettings) -> Lattice:
    """The lattice a server watches: generated or read, with node ids 0..N-1 in row order."""
    from navm.diagnostics import NavmError
    from navm.runtime.health.heartbeat import generated_lattice, lattice_from_file

    lattice = generated_lattice(settings.nodes, settings.device, flag="--lattice-nodes") if settings.table is None \
        else lattice_from_file(settings.table, settings.device)
    ids = np.asarray(lattice.table.column("node_id"), dtype=np.int64)
    if not np.array_equal(ids, np.arange(len(ids))):
        raise NavmError(f"--lattice-table {settings.table}: the service needs node ids 0 to N-1 in row order (the "
                        "map and its arrays address nodes by row); this table's ids are not",
                        notes=("`navm routes build --device NAME` writes such tables; `navm health run --table` "
                               "takes any",))
    return lattice


class HealthService:
    def __init__(self, db: Database, settings: HealthSettings):
        self.db, self.settings = db, settings
        self.lattice: Lattice = watched_lattice(settings)
        self.key = store.lattice_key(self.lattice)
        self.ids = np.asarray(self.lattice.table.column("node_id"), dtype=np.int64)
        self.lock = threading.Lock()
        self.latest: tuple[dict, dict[str, np.ndarray]] | None = store.heartbeat_arrays(db, self.key)
        self.overrides: dict[int, float] = {}
        self.durations: list[float] = []
        self._subs: set[tuple[asyncio.AbstractEventLoop, asyncio.Queue]] = set()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- heartbeats
    def beat(self) -> dict:
        """Run, store and announce one heartbeat; its summary."""
        with self.lock:
            hb = run_heartbeat(self.lattice, overrides=self.overrides)
            summary = store.record(self.db, self.lattice, hb, self.settings.rules)
            self.latest = ({**summary}, hb.node)
            self.durations.append(hb.duration_s)
            del self.durations[:-1000]
        self._prune(summary["id"])
        opened = store.list_alerts(self.db, self.key, limit=max(1, summary["alerts_opened"])) \
            if summary["alerts_opened"] else []
        self.publish("heartbeat", public_summary(summary))
        for alert in opened:
            self.publish("alert", alert_json(alert))
        return summary

    def _prune(self, newest: int) -> None:
        """Empty the arrays of heartbeats older than the last `keep` (their summaries remain)."""
        if newest % 50:
            return
        with self.db.write() as conn:
            conn.execute(update(heartbeats).where(heartbeats.c.lattice == self.key,
                                                  heartbeats.c.id <= newest - self.settings.keep,
                                                  heartbeats.c.nodes > 0)
                         .values(fidelity=b"", purity=b"", concurrence=b"", entropy=b"", nodes=0))

    def start(self) -> None:
        if self.settings.every_s:
            self._thread = threading.Thread(target=self._loop, name="navm-heartbeat", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)

    def _loop(self) -> None:
        every = self.settings.every_s
        while not self._stop.is_set():
            t0 = time.monotonic()
            try:
                self.beat()
            except Exception:
                log.exception("heartbeat failed")
            self._stop.wait(max(0.0, every - (time.monotonic() - t0)))

    # -- events
    def subscribe(self) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue()
        self._subs.add((asyncio.get_running_loop(), queue))
        return queue

    def unsubscribe(self, queue: asyncio.Queue) -> None:
        self._subs = {s for s in self._subs if s[1] is not queue}

    def publish(self, kind: str, data: dict) -> None:
        for loop, queue in list(self._subs):
            loop.call_soon_threadsafe(queue.put_nowait, (kind, data))

    # -- lookups
    def row(self, node: int) -> int | None:
        from navm.diagnostics import NavmError

        try:
            return int(self.lattice.table.row_of(int(node)))
        except (NavmError, KeyError, IndexError, ValueError, OverflowError):
            return None


def public_summary(s: dict) -> dict:
    from navm.runtime.service.views import rfc3339

    return {"id": s["id"], "time": rfc3339(s["created_at"]), "duration_s": s["duration_s"],
            "min_fidelity": s["min_fidelity"], "median_fidelity": s["median_fidelity"],
            "mean_fidelity": s["mean_fidelity"], "alerts_opened": s["alerts_opened"],
            "alerts_cleared": s.get("alerts_cleared", 0)}


def alert_json(a: dict) -> dict:
    from navm.runtime.service.views import rfc3339

    return {"id": a["id"], "node": a["node"], "kind": a["kind"], "value": a["value"], "baseline": a["baseline"],
            "opened_at": rfc3339(a["opened_at"]), "cleared_at": rfc3339(a["cleared_at"]),
            "heartbeat_id": a["opened_heartbeat"], "cleared_heartbeat": a["cleared_heartbeat"]}


def parse_interval(text: str) -> float:
    """'4s', '500ms', '2m', '1.5' (seconds) → seconds."""
    from navm.diagnostics import NavmError

    t = text.strip().lower()
    for suffix, factor in (("ms", 1e-3), ("s", 1.0), ("m", 60.0), ("h", 3600.0)):
        if t.endswith(suffix):
            t, scale = t[: -len(suffix)], factor
            break
    else:
        scale = 1.0
    try:
        value = float(t) * scale
    except ValueError:
        raise NavmError(f"--heartbeat-every {text}: write a duration such as 4s, 500ms or 2m") from None
    if not value > 0.05:
        raise NavmError(f"--heartbeat-every {text}: at least 50ms")
    return value

