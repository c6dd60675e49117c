"""The job manager's rounds with an executor that only reports what the test tells it: a dead worker's
job is requeued, a job whose worker saw the cancel first still ends CANCELLED, a job over its time
limit is stopped, and a cancelled job's worker is stopped."""

from __future__ import annotations

import pytest

from navm.runtime.jobs import states as S
from navm.runtime.jobs.database import open_database
from navm.runtime.jobs.executors import Ended
from navm.runtime.jobs.manager import JobManager, Limits
from navm.runtime.jobs.store import JobSpec, cancel_job, create_job, get_job
from navm.runtime.jobs.tenants import quotas, set_quotas

SPEC = JobSpec("qbc", "QH q0\nQMEAS q0, r1\n", "p.qbc", "zoned", "statevector", 10, 0)


class ScriptedExecutor:
    name = "scripted"

    def __init__(self):
        self.started, self.stopped, self.report, self.clock = {}, [], [], 0.0

    def capacity(self):
        return 1 - len(self.started)

    def start(self, job, max_qubits):
        self.started[job["id"]] = self.clock

    def poll(self):
        out, self.report = self.report, []
        for ended in out:
            self.started.pop(ended.job_id, None)
        return out

    def running(self):
        return dict(self.started)

    def memory_mb(self, job_id):
        return None

    def stop(self, job_id):
        self.stopped.append(job_id)
        self.started.pop(job_id, None)

    def close(self):
        pass


@pytest.fixture
def setup(tmp_path):
    db = open_database(f"sqlite:///{tmp_path / 'navm.db'}")
    set_quotas(db, "acme")
    ex = ScriptedExecutor()
    manager = JobManager(db, ex, Limits(time_limit_s=5, max_attempts=2), billing=[lambda usage: None])
    yield db, ex, manager
    db.dispose()


def submit(db):
    return create_job(db, "acme", SPEC, quotas(db, "acme"))[0]["id"]


def test_a_dead_workers_job_is_requeued_then_failed(setup):
    db, ex, manager = setup
    jid = submit(db)
    manager.step()
    assert jid in ex.started and get_job(db, jid)["state"] == S.COMPILING
    ex.report = [Ended(jid, None, "its worker process ended (exit code -9)")]
    manager.step()  # requeued, and claimed again at once
    assert get_job(db, jid)["attempts"] == 2
    ex.report = [Ended(jid, None, "its worker process ended (exit code -9)")]
    manager.step()
    job = get_job(db, jid)
    assert job["state"] == S.FAILED and job["failure"]["type"] == "attempts-exhausted"


def test_a_cancel_the_worker_saw_first_still_ends_cancelled(setup):
    db, ex, manager = setup
    jid = submit(db)
    manager.step()
    cancel_job(db, jid, "acme")
    ex.report = [Ended(jid, "LOST")]  # its fenced write failed: the job was CANCELLING
    manager.step()
    assert get_job(db, jid)["state"] == S.CANCELLED and manager.finished == {S.CANCELLED: 1}


def test_a_cancelled_jobs_worker_is_stopped(setup):
    db, ex, manager = setup
    jid = submit(db)
    manager.step()
    cancel_job(db, jid, "acme")
    manager.step()
    assert ex.stopped == [jid] and get_job(db, jid)["state"] == S.CANCELLED


def test_a_job_over_its_time_limit_is_stopped(setup, monkeypatch):
    import time

    db, ex, manager = setup
    jid = submit(db)
    manager.step()
    ex.started[jid] = time.monotonic() - 6
    manager.step()
    job = get_job(db, jid)
    assert ex.stopped == [jid] and job["state"] == S.FAILED and job["failure"]["type"] == "time-limit"
