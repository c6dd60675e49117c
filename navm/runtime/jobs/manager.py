"""The job manager: one thread in the server that moves jobs through their states.

Each round it (1) collects jobs whose run ended, requeueing those whose worker died (one more
attempt, or FAILED past the limit), (2) stops the jobs being cancelled, (3) stops jobs over their
time or memory limit, and (4) hands queued jobs to free workers, fairly across tenants
(navm.runtime.jobs.store.claim_next). Finished jobs' usage goes to the billing hooks: the entry
points of the group `navm.billing`, each called with the usage record.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from dataclasses import dataclass, field
from importlib.metadata import entry_points

from sqlalchemy import select

from navm.runtime.jobs import states as S
from navm.runtime.jobs.database import Database
from navm.runtime.jobs.executors import Executor
from navm.runtime.jobs.schema import jobs, usage
from navm.runtime.jobs.store import claim_next, record_usage, recover, requeue, tenant_quotas, transition

log = logging.getLogger("navm.jobs")
BILLING_GROUP = "navm.billing"


@dataclass
class Limits:
    time_limit_s: float = 600.0
    memory_limit_mb: float = 4096.0
    max_attempts: int = 3


@dataclass
class JobManager:
    db: Database
    executor: Executor
    limits: Limits = field(default_factory=Limits)
    poll_s: float = 0.05
    billing: list = field(default_factory=list)
    finished: dict = field(default_factory=dict)  # end state -> count, for metrics
    _time_limits: dict = field(default_factory=dict, init=False, repr=False)  # job id -> seconds

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.worker_name = f"{socket.gethostname()}:{id(self) & 0xffff:04x}"
        if not self.billing:
            self.billing = [ep.load() for ep in entry_points(group=BILLING_GROUP)]

    def start(self) -> dict[str, int]:
        recovered = recover(self.db, self.limits.max_attempts)
        if recovered:
            log.warning("jobs left by the last server: %s", recovered)
        self._thread = threading.Thread(target=self._loop, name="navm-job-manager", daemon=True)
        self._thread.start()
        return recovered

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
        self.executor.close()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.step()
            except Exception:  # a database hiccup must not end the manager; the next round retries
                log.exception("job manager round failed")
                busy = False
            if not busy:
                self._stop.wait(self.poll_s)

    def step(self) -> bool:
        """One round; True if it started a job (so the next round comes at once)."""
        for ended in self.executor.poll():
            if ended.state is None:
                self._requeue(ended.job_id, ended.reason)
            elif ended.state == "LOST":
                self._settle_lost(ended.job_id)
            else:
                self._finished(ended.job_id, ended.state)
        self._cancel()
        self._enforce_limits()
        started = False
        quotas = None
        while self.executor.capacity() > 0:
            job = claim_next(self.db, self.worker_name)
            if job is None:
                break
            if quotas is None:
                with self.db.read() as conn:
                    quotas = tenant_quotas(conn)
            q = quotas.get(job["tenant"])
            self.executor.start(job, q.max_qubits if q else None)
            started = True
        return started

    def _requeue(self, job_id: str, reason: str) -> None:
        with self.db.write() as conn:
            row = conn.execute(select(jobs).where(jobs.c.id == job_id)).mappings().first()
            if row is not None and row["state"] in (S.COMPILING, S.RUNNING, S.CANCELLING):
                end = requeue(conn, dict(row), reason, self.limits.max_attempts)
                log.warning("job %s: %s; now %s", job_id, reason, end)

    def _settle_lost(self, job_id: str) -> None:
        """A worker stopped because its job was taken from it: a job being cancelled (the worker saw it
        first, before this round could stop it) ends CANCELLED here."""
        with self.db.write() as conn:
            row = conn.execute(select(jobs).where(jobs.c.id == job_id)).mappings().first()
            if row is None or row["state"] != S.CANCELLING:
                return
            if transition(conn, job_id, S.CANCELLED, event={"reason": "cancelled by the user"}):
                record_usage(conn, dict(row), S.CANCELLED, row["progress_done"], 0.0, 0.0)
        self._finished(job_id, S.CANCELLED)

    def _cancel(self) -> None:
        running = self.executor.running()
        if not running:
            return
        with self.db.read() as conn:
            cancelling = [r.id for r in conn.execute(select(jobs.c.id).where(jobs.c.state == S.CANCELLING))]
        for job_id in cancelling:
            if job_id in running:
                self._stop_job(job_id, S.CANCELLED, event={"reason": "cancelled by the user"})

    def _enforce_limits(self) -> None:
        now = time.monotonic()
        for job_id, started in self.executor.running().items():
            limit = self._time_limit(job_id)
            if now - started > limit:
                self._kill(job_id, "time-limit", f"the job ran for more than its time limit of {limit:g} s")
                continue
            mb = self.executor.memory_mb(job_id)
            if mb is not None and mb > self.limits.memory_limit_mb:
                self._kill(job_id, "memory-limit", f"the job used {mb:.0f} MiB, more than its memory limit of "
                           f"{self.limits.memory_limit_mb:g} MiB")

    def _time_limit(self, job_id: str) -> float:
        if job_id not in self._time_limits:
            with self.db.read() as conn:
                opts = conn.execute(select(jobs.c.options).where(jobs.c.id == job_id)).scalar_one_or_none() or {}
            asked = opts.get("time_limit_s")
            self._time_limits[job_id] = min(float(asked), self.limits.time_limit_s) if asked else \
                self.limits.time_limit_s
        return self._time_limits[job_id]

    def _kill(self, job_id: str, kind: str, detail: str) -> None:
        failure = {"type": kind, "detail": detail, "diagnostic": None}
        self._stop_job(job_id, S.FAILED, failure=failure, event={"failure": failure})

    def _stop_job(self, job_id: str, state: str, event: dict, **values) -> None:
        """End a running job's worker and the job with it (CANCELLED, or FAILED over a limit)."""
        held = time.monotonic() - self.executor.running().get(job_id, time.monotonic())
        self.executor.stop(job_id)
        with self.db.write() as conn:
            if transition(conn, job_id, state, event=event, **values):
                job = conn.execute(select(jobs).where(jobs.c.id == job_id)).mappings().one()
                # the worker cannot say what it used: the shots it reported, and the time it held a core
                record_usage(conn, dict(job), state, job["progress_done"], held, 0.0)
        self._finished(job_id, state)

    def _finished(self, job_id: str, state: str) -> None:
        self.finished[state] = self.finished.get(state, 0) + 1
        self._time_limits.pop(job_id, None)
        if not self.billing:
            return
        with self.db.read() as conn:
            row = conn.execute(select(usage).where(usage.c.job_id == job_id)).mappings().first()
        if row is None:
            return
        for hook in self.billing:
            try:
                hook(dict(row))
            except Exception:
                log.exception("billing hook %r failed for job %s", hook, job_id)
