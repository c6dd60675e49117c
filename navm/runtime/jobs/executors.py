"""Executors: where claimed jobs run. The manager (navm.runtime.jobs.manager) asks an executor for
free capacity, starts jobs on it, polls it for jobs that ended or whose worker died, and stops a job
(cancel, time or memory limit) by ending its worker.

`LocalExecutor` keeps N spawned worker processes, each running one job at a time; a worker that is
stopped is replaced by a new one. `RayExecutor` (navm.runtime.jobs.ray_executor) runs each job as a
Ray task, so a batch fans out over a cluster.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from dataclasses import dataclass, field
from typing import Protocol


RESPAWN_EVERY_S = 1.0


@dataclass(frozen=True)
class Ended:
    """A job the executor no longer runs: `state` as the worker reported it, or None if the worker died."""

    job_id: str
    state: str | None
    reason: str = ""


class Executor(Protocol):
    name: str

    def capacity(self) -> int: ...

    def start(self, job: dict, max_qubits: int | None) -> None: ...

    def poll(self) -> list[Ended]: ...

    def running(self) -> dict[str, float]:
        """Job id → when it started on this executor (time.monotonic)."""

    def memory_mb(self, job_id: str) -> float | None: ...

    def stop(self, job_id: str) -> None: ...

    def close(self) -> None: ...


@dataclass
class _Slot:
    process: mp.process.BaseProcess
    conn: object
    job_id: str | None = None
    started: float = 0.0
    ready: bool = False
    spawned: float = field(default_factory=time.monotonic)


@dataclass
class LocalExecutor:
    db_url: str
    workers: int = 2
    name: str = "local"
    _slots: list[_Slot] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._ctx = mp.get_context("spawn")
        self._slots = [self._spawn() for _ in range(self.workers)]

    def _spawn(self) -> _Slot:
        from navm.runtime.jobs.worker import worker_main

        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(target=worker_main, args=(self.db_url, child, os.getpid()), daemon=True,
                                 name="navm-worker")
        proc.start()
        child.close()
        return _Slot(proc, parent)

    def _check_ready(self, slot: _Slot) -> None:
        while not slot.ready and slot.conn.poll():
            if slot.conn.recv()[0] == "ready":
                slot.ready = True

    def capacity(self) -> int:
        for slot in self._slots:
            self._check_ready(slot)
        return sum(1 for s in self._slots if s.job_id is None and s.ready and s.process.is_alive())

    def start(self, job: dict, max_qubits: int | None) -> None:
        slot = next(s for s in self._slots if s.job_id is None and s.ready and s.process.is_alive())
        slot.job_id, slot.started = job["id"], time.monotonic()
        slot.conn.send((job, max_qubits))

    def poll(self) -> list[Ended]:
        ended: list[Ended] = []
        for i, slot in enumerate(self._slots):
            if slot.job_id is None:
                # a worker that dies before it is ready (a broken install) is replaced at most once a second
                if not slot.process.is_alive() and time.monotonic() - slot.spawned > RESPAWN_EVERY_S:
                    self._slots[i] = self._spawn()
                continue
            try:
                message = slot.conn.recv() if slot.conn.poll() else None
            except (EOFError, OSError):
                message = None
            if message is not None and message[0] == "done":
                ended.append(Ended(slot.job_id, message[2]))
                slot.job_id = None
            elif not slot.process.is_alive():
                ended.append(Ended(slot.job_id, None, f"its worker process ended (exit code {slot.process.exitcode})"))
                self._slots[i] = self._spawn()
        return ended

    def running(self) -> dict[str, float]:
        return {s.job_id: s.started for s in self._slots if s.job_id is not None}

    def pid(self, job_id: str) -> int | None:
        return next((s.process.pid for s in self._slots if s.job_id == job_id), None)

    def memory_mb(self, job_id: str) -> float | None:
        pid = self.pid(job_id)
        if pid is None:
            return None
        try:
            with open(f"/proc/{pid}/statm") as f:
                return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
        except (OSError, ValueError, IndexError):
            return None

    def stop(self, job_id: str) -> None:
        for i, slot in enumerate(self._slots):
            if slot.job_id == job_id:
                slot.process.kill()
                slot.process.join(5)
                self._slots[i] = self._spawn()

    def close(self) -> None:
        for slot in self._slots:
            if slot.process.is_alive():
                slot.process.kill()
            slot.process.join(5)
