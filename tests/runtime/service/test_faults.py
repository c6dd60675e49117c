"""Faults the job service must survive, with real `navm serve` processes on loopback: the server
SIGKILLed with jobs queued and running (none lost, none completed twice), a worker process killed
mid-job (retried, completed), and a checkpointed run killed and resumed (the counts of an
uninterrupted run, exactly)."""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

import httpx
import pytest

from navm.client import parse_sse
from navm.runtime.jobs import states as S
from tests.runtime.service_support import ROOT, fresh_database, make_key, start_server, wait_for

GHZ = ROOT / "examples" / "ghz.qbc"
TERMINAL = ("COMPLETED", "FAILED", "CANCELLED")
LONG_SHOTS = 2_000_000  # statevector, 10 segments: about a second, so a job is seen RUNNING
BIG_QUOTAS = dict(max_running=100, max_queued=100_000, shots_per_day=10**12, rate_per_s=100_000.0, burst=100_000)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_kind(request):
    return request.param


@pytest.fixture
def fault_db(db_kind, tmp_path):
    with fresh_database(db_kind, tmp_path) as url:
        yield url


@pytest.fixture
def servers():
    """Every server a test starts, stopped (or killed) at its end whatever happened."""
    started = []
    yield started
    for srv in started:
        srv.stop()


def tenant_key(db_url: str, tenant: str = "acme") -> str:
    """A key of a tenant whose quotas no test here comes near (the default rate would throttle it)."""
    from navm.runtime.jobs.database import open_database
    from navm.runtime.jobs.tenants import set_quotas

    db = open_database(db_url)
    try:
        set_quotas(db, tenant, **BIG_QUOTAS)
    finally:
        db.dispose()
    return make_key(db_url, tenant)


def serve(servers: list, db_url: str, log: Path, workers: int = 2):
    srv = start_server(db_url, log, "--workers", str(workers))
    servers.append(srv)
    return srv


def log_tail(log: Path, lines: int = 60) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# -- processes

def _children(pid: int) -> list[tuple[int, list[str]]]:
    try:
        import psutil
    except ImportError:
        psutil = None
    if psutil is not None:
        out = []
        for child in psutil.Process(pid).children():
            try:
                out.append((child.pid, child.cmdline()))
            except psutil.Error:
                pass
        return out
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            found = re.search(r"^PPid:\s+(\d+)", (entry / "status").read_text(), re.M)
            if found is None or int(found.group(1)) != pid:
                continue
            cmdline = [p.decode(errors="replace") for p in (entry / "cmdline").read_bytes().split(b"\0") if p]
        except OSError:
            continue
        out.append((int(entry.name), cmdline))
    return out


def worker_pids(server_pid: int) -> list[int]:
    """The server's spawned worker processes (not multiprocessing's resource tracker)."""
    return sorted(pid for pid, cmd in _children(server_pid) if any("spawn_main" in part for part in cmd))


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


# -- events




def read_events(http: httpx.Client, job_id: str, *, after: int | None = None, until=None,
                timeout_s: float = 30.0) -> list[dict]:
    """GET /v1/jobs/{id}/events, read until the stream ends (it does after the terminal state event)
    or `until(event)` holds; never longer than `timeout_s`."""
    headers = {"Last-Event-ID": str(after)} if after is not None else {}
    deadline = time.monotonic() + timeout_s
    seen = []
    with http.stream("GET", f"/v1/jobs/{job_id}/events", headers=headers,
                     timeout=httpx.Timeout(10.0, read=20.0)) as response:
        assert response.status_code == 200, response.read()
        for ev in parse_sse(response.iter_lines()):
            seen.append(ev)
            if until is not None and until(ev):
                return seen
            assert time.monotonic() < deadline, f"job {job_id}: events still coming after {timeout_s} s: {seen[-5:]}"
    return seen


def states_of(evs: list[dict]) -> list[str]:
    return [e["data"]["state"] for e in evs if e["event"] == "state"]


def check_history(job_id: str, evs: list[dict]) -> None:
    """Exactly one terminal state event, last; every state change one the state machine allows."""
    states = states_of(evs)
    assert states and states[-1] in TERMINAL, f"{job_id}: the stream ended without a terminal state: {states}"
    assert sum(s in TERMINAL for s in states) == 1, f"{job_id}: more than one terminal state: {states}"
    assert states.count("COMPLETED") <= 1, f"{job_id}: completed twice: {states}"
    for old, new in zip(states, states[1:]):
        assert S.can_move(old, new), f"{job_id}: {old} -> {new} is no transition of the state machine: {states}"
    ids = [e["id"] for e in evs]
    assert ids == sorted(set(ids)), f"{job_id}: events repeated or out of order: {ids}"


def left_behind(db_url: str) -> dict[str, tuple[str, dict | None]]:
    """Job id -> (state, checkpoint), straight from the database (no server running)."""
    from sqlalchemy import select

    from navm.runtime.jobs.database import connect
    from navm.runtime.jobs.schema import jobs

    db = connect(db_url)
    try:
        with db.read() as conn:
            return {r.id: (r.state, r.checkpoint) for r in conn.execute(select(jobs.c.id, jobs.c.state,
                                                                                   jobs.c.checkpoint))}
    finally:
        db.dispose()


def all_jobs(http: httpx.Client) -> dict[str, dict]:
    out, params = {}, {"limit": 500}
    while True:
        page = http.get("/v1/jobs", params=params)
        assert page.status_code == 200, page.text
        body = page.json()
        out.update((j["id"], j) for j in body["jobs"])
        if not body["next_cursor"]:
            return out
        params["cursor"] = body["next_cursor"]


# -- (a) the server SIGKILLed with 50 jobs queued and running

def test_server_killed_with_jobs_queued_and_running_loses_none(fault_db, servers, tmp_path):
    log = tmp_path / "serve.log"
    key = tenant_key(fault_db)
    srv = serve(servers, fault_db, log)
    per = LONG_SHOTS // 10
    long_ones = set(range(0, 50, 10))  # 0, 10, ..., 40: LONG_SHOTS shots in 10 checkpointed segments
    with srv.client(key) as client, srv.http(key) as http:
        ids = []
        for i in range(50):
            big = i in long_ones
            job = client.submit(GHZ, shots=LONG_SHOTS if big else 100, seed=1000 + i,
                                options={"checkpoint_shots": per} if big else None)
            ids.append(job["id"])
        assert len(set(ids)) == 50

        def mid_flight():  # a long job past a checkpoint with half its shots to go, and jobs still waiting
            running = http.get("/v1/jobs", params={"state": "RUNNING"}).json()["jobs"]
            queued = http.get("/v1/jobs", params={"state": "QUEUED", "limit": 1}).json()["jobs"]
            return queued and any(per < j["progress"]["done"] <= LONG_SHOTS // 2 for j in running)

        wait_for(mid_flight, timeout_s=60, every_s=0.02)
    workers = worker_pids(srv.process.pid)
    assert workers, f"no worker processes under the server {srv.process.pid}"
    srv.kill()
    # the workers die with the server (PR_SET_PDEATHSIG): none goes on writing behind a new server's back
    wait_for(lambda: not any(alive(p) for p in workers), timeout_s=10)
    before = left_behind(fault_db)  # what the dead server left, read from the database itself
    states = [state for state, _ in before.values()]
    assert "QUEUED" in states and "RUNNING" in states, states
    checkpointed = [i for i, (state, point) in before.items() if state == "RUNNING" and point]
    assert checkpointed, before

    srv = serve(servers, fault_db, log)
    with srv.http(key) as http:
        def all_ended():
            jobs = all_jobs(http)
            return jobs if len(jobs) >= 50 and all(j["state"] in TERMINAL for j in jobs.values()) else None

        try:
            jobs = wait_for(all_ended, timeout_s=90, every_s=0.25)
        except AssertionError:
            waiting = [(k, j["state"]) for k, j in all_jobs(http).items() if j["state"] not in TERMINAL]
            raise AssertionError(f"jobs not ended: {waiting}\n{log_tail(log)}") from None
        assert set(jobs) == set(ids), "the service has jobs nobody submitted, or lost some"
        for job_id in ids:
            got = http.get(f"/v1/jobs/{job_id}")
            assert got.status_code == 200, f"job {job_id} lost: {got.text}"
            job = got.json()
            assert job["state"] in ("COMPLETED", "FAILED"), job
            if job["state"] == "FAILED":
                assert job["failure"] and job["failure"]["type"] and job["failure"]["detail"], job
            else:
                result = http.get(f"/v1/jobs/{job_id}/result").json()
                assert sum(result["counts"].values()) == job["shots"], (job_id, result["counts"])
            evs = read_events(http, job_id)
            check_history(job_id, evs)
            # nothing after the terminal event either: a stream resumed after it is empty
            assert read_events(http, job_id, after=evs[-1]["id"]) == [], f"{job_id}: events after the end"
            was = before[job_id][0]
            if was in ("COMPILING", "RUNNING"):  # held by a worker when the server died: requeued once
                assert job["attempts"] == 2, (job_id, was, job)
                requeued = [e for e in evs if e["event"] == "state" and e["data"]["state"] == "QUEUED"
                            and "server stopped" in e["data"].get("reason", "")]
                assert len(requeued) == 1, (job_id, evs)
            elif was == "QUEUED":
                assert job["attempts"] == 1, (job_id, job)
            if job_id in checkpointed:  # went on from its checkpoint, not from the start
                assert any(e["event"] == "log" and "resuming at segment" in e["data"]["line"] for e in evs), evs


# -- (b) a worker killed mid-job

def test_worker_killed_mid_job_is_retried_and_completes(fault_db, servers, tmp_path):
    log = tmp_path / "serve.log"
    key = tenant_key(fault_db)
    srv = serve(servers, fault_db, log, workers=1)
    shots, per = 5_000_000, 500_000
    with srv.client(key) as client, srv.http(key) as http:
        job_id = client.submit(GHZ, shots=shots, seed=11, options={"checkpoint_shots": per})["id"]
        read_events(http, job_id, until=lambda e: e["event"] == "progress" and e["data"].get("checkpoint"))
        victims = worker_pids(srv.process.pid)
        assert len(victims) == 1, f"one worker expected under the server: {_children(srv.process.pid)}"
        assert client.get(job_id)["state"] == "RUNNING"
        os.kill(victims[0], signal.SIGKILL)
        try:
            job = client.wait(job_id, timeout=60, poll_s=0.1, max_poll_s=0.5)
        except TimeoutError:
            raise AssertionError(log_tail(log)) from None
        assert job["state"] == "COMPLETED", (job, log_tail(log))
        assert job["attempts"] == 2, job
        evs = read_events(http, job_id)
        check_history(job_id, evs)
        assert states_of(evs) == ["QUEUED", "COMPILING", "RUNNING", "QUEUED", "COMPILING", "RUNNING", "COMPLETED"], evs
        requeue = next(e for e in evs if e["event"] == "state" and e["data"].get("reason"))
        assert "worker process ended" in requeue["data"]["reason"], requeue
        assert any(e["event"] == "log" and "resuming at segment" in e["data"]["line"] for e in evs)
        assert sum(client.result(job_id)["counts"].values()) == shots
        # the executor replaced the dead worker
        assert wait_for(lambda: [p for p in worker_pids(srv.process.pid) if p != victims[0]], timeout_s=10)


# -- (c) a checkpointed run killed and resumed: exactly the counts of an uninterrupted one

def test_checkpointed_run_resumed_after_a_kill_equals_an_uninterrupted_run(fault_db, servers, tmp_path):
    log = tmp_path / "serve.log"
    key = tenant_key(fault_db)
    srv = serve(servers, fault_db, log, workers=1)
    shots, per = 5_000_000, 500_000  # 10 segments on stim with the device's noise: many outcomes
    spec = dict(backend="stim", noise="device", shots=shots, seed=20260807, options={"checkpoint_shots": per})
    with srv.client(key) as client, srv.http(key) as http:
        killed = client.submit(GHZ, **spec)["id"]
        read_events(http, killed, until=lambda e: e["event"] == "progress" and e["data"].get("checkpoint"))
        srv.kill()

    srv = serve(servers, fault_db, log, workers=1)
    with srv.client(key) as client, srv.http(key) as http:
        straight = client.submit(GHZ, **spec)["id"]  # the same job, run without a break
        try:
            a = client.wait(killed, timeout=60, poll_s=0.1, max_poll_s=0.5)
            b = client.wait(straight, timeout=60, poll_s=0.1, max_poll_s=0.5)
        except TimeoutError:
            raise AssertionError(log_tail(log)) from None
        assert a["state"] == b["state"] == "COMPLETED", (a, b, log_tail(log))
        assert (a["attempts"], b["attempts"]) == (2, 1)
        evs = read_events(http, killed)
        check_history(killed, evs)
        resumed = [e["data"]["line"] for e in evs if e["event"] == "log" and "resuming at segment" in e["data"]["line"]]
        assert len(resumed) == 1 and not resumed[0].startswith("resuming at segment 0 "), resumed
        ra, rb = client.result(killed), client.result(straight)
        assert sum(ra["counts"].values()) == shots
        assert len(ra["counts"]) > 2  # noisy: a distribution worth comparing
        assert ra["counts"] == rb["counts"]
        assert (ra["shots"], ra["seed"]) == (rb["shots"], rb["seed"])
