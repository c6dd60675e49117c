"""Job events for server-sent-event streams. One thread reads every new event row (in id order) and
hands it to the streams that follow its job; each stream first replays its job's events from the
database after the client's Last-Event-ID, then takes the live ones, so a reconnect loses nothing and
a thousand open streams cost one query per poll, not a thousand."""

from __future__ import annotations

import asyncio
import threading
from collections import defaultdict

from sqlalchemy import func, select

from navm.runtime.jobs.database import Database
from navm.runtime.jobs.schema import events


class EventHub:
    def __init__(self, db: Database, poll_s: float = 0.1):
        self.db, self.poll_s = db, poll_s
        self._subs: dict[str, set[tuple[asyncio.AbstractEventLoop, asyncio.Queue]]] = defaultdict(set)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        with db.read() as conn:
            self.last_id = conn.execute(select(func.coalesce(func.max(events.c.id), 0))).scalar_one()
        self._thread = threading.Thread(target=self._run, name="navm-events", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)

    @property
    def streams(self) -> int:
        with self._lock:
            return sum(len(s) for s in self._subs.values())

    def subscribe(self, job_id: str) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue()
        with self._lock:
            self._subs[job_id].add((asyncio.get_running_loop(), queue))
        return queue

    def unsubscribe(self, job_id: str, queue: asyncio.Queue) -> None:
        with self._lock:
            subs = self._subs.get(job_id)
            if subs is not None:
                subs.discard(next((s for s in subs if s[1] is queue), None))
                if not subs:
                    del self._subs[job_id]

    def _run(self) -> None:
        import logging

        while not self._stop.wait(self.poll_s):
            try:
                self._poll()
            except Exception:
                logging.getLogger("navm.service").exception("event poll failed")

    def _poll(self) -> None:
        with self.db.read() as conn:
            rows = [dict(r) for r in conn.execute(select(events).where(events.c.id > self.last_id)
                                                  .order_by(events.c.id).limit(5000)).mappings()]
        if not rows:
            return
        self.last_id = rows[-1]["id"]
        with self._lock:
            targets = {job: list(subs) for job, subs in self._subs.items()}
        for row in rows:
            for loop, queue in targets.get(row["job_id"], ()):
                loop.call_soon_threadsafe(queue.put_nowait, row)
