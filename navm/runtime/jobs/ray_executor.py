"""Jobs as Ray tasks (`navm serve --executor ray [--ray-address ADDR]`): every claimed job becomes a
task on the cluster, so the jobs of a batch run on as many nodes as the cluster has. The task runs
the same code as a local worker (navm.runtime.jobs.worker.run_claimed) against the same database,
which must therefore be reachable from the nodes (PostgreSQL for a real cluster; the SQLite file
for a cluster on one machine). Stopping a job cancels its task with force, which ends its process.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from navm.runtime.jobs.executors import Ended


def _run_task(db_url: str, job: dict, max_qubits: int | None) -> str:
    from navm.runtime.jobs.database import connect
    from navm.runtime.jobs.worker import run_claimed

    db = connect(db_url)
    try:
        return run_claimed(db, job, max_qubits)
    finally:
        db.dispose()


@dataclass
class RayExecutor:
    db_url: str
    workers: int = 2
    address: str | None = None
    name: str = "ray"
    _tasks: dict = field(default_factory=dict)  # job id -> (ObjectRef, started)

    def __post_init__(self) -> None:
        import ray

        if not ray.is_initialized():
            ray.init(address=self.address, include_dashboard=False, log_to_driver=False,
                     configure_logging=False)
        self._remote = ray.remote(max_retries=0, num_cpus=1)(_run_task)

    def capacity(self) -> int:
        return max(0, self.workers - len(self._tasks))

    def start(self, job: dict, max_qubits: int | None) -> None:
        self._tasks[job["id"]] = (self._remote.remote(self.db_url, job, max_qubits), time.monotonic())

    def poll(self) -> list[Ended]:
        import ray

        if not self._tasks:
            return []
        refs = {ref: job_id for job_id, (ref, _) in self._tasks.items()}
        ready, _ = ray.wait(list(refs), num_returns=len(refs), timeout=0)
        ended = []
        for ref in ready:
            job_id = refs[ref]
            del self._tasks[job_id]
            try:
                ended.append(Ended(job_id, ray.get(ref)))
            except Exception as err:  # the task's worker died, or the task was cancelled
                ended.append(Ended(job_id, None, f"its Ray task failed ({type(err).__name__})"))
        return ended

    def running(self) -> dict[str, float]:
        return {job_id: started for job_id, (_, started) in self._tasks.items()}

    def memory_mb(self, job_id: str) -> float | None:
        return None  # Ray enforces memory itself (its memory monitor kills tasks over the node's limit)

    def stop(self, job_id: str) -> None:
        import ray

        ref, _ = self._tasks.pop(job_id, (None, 0))
        if ref is not None:
            ray.cancel(ref, force=True)

    def close(self) -> None:
        import ray

        for job_id in list(self._tasks):
            self.stop(job_id)
        if self.address is None:
            ray.shutdown()
