"""The job service under load: a real `navm serve` on loopback, driven over HTTP.

1. Load: --clients concurrent clients (asyncio + httpx, one connection each) for --duration seconds.
   Each submits a small job (examples/ghz.qbc, 100 shots; every submit with its own
   Idempotency-Key, resent with the same key on a transport error or a 5xx), polls its status
   (GET /v1/jobs/{id} every --poll seconds) until it ends, and submits the next. Printed: jobs
   completed per second (by the server's finished_at, inside the window), the latency of submits
   and of status GETs (p50 = median, p99), and how long a job took from submit to seen ended.
   After the window every job is drained, then checked: every submitted id exists and has ended,
   the service holds exactly as many jobs of the tenant as were submitted (one per
   Idempotency-Key, none lost, none made twice) and no job has more than one terminal state event.
2. Streams: --streams jobs are submitted while the tenant's max_running quota is 0 (`navm tenants
   set`), so that all of them wait QUEUED; then as many event streams (GET /v1/jobs/{id}/events,
   one per job, asyncio + httpx streaming) are opened at once. Printed: how many were open at once
   (client side, and the server's navm_event_streams gauge), how long opening them all took (to
   each stream's first event), and, after the quota is raised again and the jobs run, that every
   stream received its job's events to the terminal one: exactly the event ids the database holds.

The server gets its own database (a SQLite file in a temporary folder) unless --db names one (a
PostgreSQL URL; the run uses a tenant of its own, so an old database does no harm). The open-file
limit is raised (resource.setrlimit) for this process and the server it starts. The load average
and the machine are printed with the figures; the load generator shares the machine with the
server and its workers.

    .venv/bin/python benchmarks/service.py [--duration 60] [--clients 100] [--streams 1000]
                                           [--db URL] [--workers 2] [--poll 0.2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.runtime.service_support import NAVM, Server, start_server as start  # noqa: E402  (the tests' real server)
GHZ = (ROOT / "examples" / "ghz.qbc").read_text()
TERMINAL = ("COMPLETED", "FAILED", "CANCELLED")


def navm_cli(*args: str) -> str:
    out = subprocess.run([*NAVM, *args], capture_output=True, text=True, cwd=ROOT, timeout=120)
    if out.returncode != 0:
        raise SystemExit(f"navm {' '.join(args)} failed:\n{out.stdout}{out.stderr}")
    return out.stdout


def set_running(db: str, tenant: str, max_running: int) -> None:
    navm_cli("tenants", "set", tenant, "--max-running", str(max_running), "--db", db)


def raise_open_files(wanted: int) -> tuple[int, int]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)


def machine() -> str:
    cpu = platform.processor() or "?"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    try:
        mem_kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                          if line.startswith("MemTotal")))
        mem = f"{mem_kb / 2**20:.1f} GiB"
    except (OSError, StopIteration):
        mem = "?"
    return (f"{platform.node()}: {os.cpu_count()} CPUs ({cpu}), {mem} memory, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}")


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def pct(values, q: float) -> float:
    return float(np.percentile(np.asarray(values), q)) if len(values) else float("nan")


def ms(values) -> str:
    if not values:
        return "none"
    return (f"p50 {pct(values, 50) * 1e3:7.1f} ms   p99 {pct(values, 99) * 1e3:7.1f} ms   "
            f"max {max(values) * 1e3:7.1f} ms   ({len(values):,} requests)")


def wall(text: str | None) -> float | None:
    return None if text is None else datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process and its waited-for children (/proc/PID/stat)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    tick = os.sysconf("SC_CLK_TCK")
    return sum(int(fields[i]) for i in (11, 12, 13, 14)) / tick


def children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            ppid = next((line.split()[1] for line in status.splitlines() if line.startswith("PPid:")), None)
            if ppid == str(pid):
                out.append(int(entry.name))
    return out


def start_server(db: str, workers: int, log: Path) -> Server:
    return start(db, log, "--workers", str(workers), timeout_s=120)


def log_tail(server: Server, n: int = 40) -> str:
    return "\n".join(server.log.read_text(errors="replace").splitlines()[-n:])


# -- requests

@dataclass
class Stats:
    submit_s: list = field(default_factory=list)
    get_s: list = field(default_factory=list)
    job_s: list = field(default_factory=list)  # submit answered -> seen ended by its client
    submitted: dict = field(default_factory=dict)  # Idempotency-Key -> job id
    errors: Counter = field(default_factory=Counter)
    retried_submits: int = 0
    replayed: int = 0
    seen_ended: int = 0


def job_body(seed: int) -> dict:
    return {"format": "qbc", "source": GHZ, "filename": "ghz.qbc", "target": "zoned", "backend": "statevector",
            "shots": 100, "seed": seed, "noise": "program", "options": {}, "tags": []}


async def submit(http: httpx.AsyncClient, stats: Stats, seed: int, tries: int = 6) -> str | None:
    """POST /v1/jobs with one Idempotency-Key, resent (same key) on a transport error, 429 or 5xx."""
    key = uuid.uuid4().hex
    body = job_body(seed)
    for attempt in range(tries):
        t = time.perf_counter()
        try:
            r = await http.post("/v1/jobs", json=body, headers={"Idempotency-Key": key})
        except httpx.TransportError as err:
            stats.errors[f"submit {type(err).__name__}"] += 1
        else:
            if r.status_code == 202:
                stats.submit_s.append(time.perf_counter() - t)
                job_id = r.json()["id"]
                if r.headers.get("Idempotent-Replayed") == "true":
                    stats.replayed += 1
                old = stats.submitted.setdefault(key, job_id)
                if old != job_id:
                    stats.errors["one Idempotency-Key, two jobs"] += 1
                return job_id
            stats.errors[f"submit HTTP {r.status_code}"] += 1
            if r.status_code < 500 and r.status_code != 429:
                return None
        stats.retried_submits += 1
        await asyncio.sleep(min(0.1 * 2 ** attempt, 2.0) * (0.5 + random.random()))
    stats.submitted.setdefault(key, None)  # sent, never answered: it may exist; the checks look for it
    return None


async def load_client(n: int, url: str, headers: dict, stats: Stats, end: float, poll_s: float) -> None:
    """One client: its own connection (a pool of one: httpx's pool does work per request that grows
    with the connections in it, which would bill the load generator, not the server)."""
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=httpx.Timeout(60.0),
                                 limits=httpx.Limits(max_connections=1, max_keepalive_connections=1)) as http:
        await _load_client(n, http, stats, end, poll_s)


async def _load_client(n: int, http: httpx.AsyncClient, stats: Stats, end: float, poll_s: float) -> None:
    rng = random.Random(n)
    await asyncio.sleep(rng.random() * poll_s)  # not all at the same instant
    while time.monotonic() < end:
        job_id = await submit(http, stats, rng.randrange(2**31))
        if job_id is None:
            continue
        t_sub = time.monotonic()
        while time.monotonic() < end:
            await asyncio.sleep(poll_s)
            t = time.perf_counter()
            try:
                r = await http.get(f"/v1/jobs/{job_id}")
            except httpx.TransportError as err:
                stats.errors[f"get {type(err).__name__}"] += 1
                continue
            if r.status_code != 200:
                stats.errors[f"get HTTP {r.status_code}"] += 1
                continue
            stats.get_s.append(time.perf_counter() - t)
            if r.json()["state"] in TERMINAL:
                stats.job_s.append(time.monotonic() - t_sub)
                stats.seen_ended += 1
                break


async def all_jobs(http: httpx.AsyncClient) -> dict[str, dict]:
    out, params = {}, {"limit": 500}
    while True:
        r = await http.get("/v1/jobs", params=params)
        r.raise_for_status()
        page = r.json()
        out.update((j["id"], j) for j in page["jobs"])
        if not page["next_cursor"]:
            return out
        params["cursor"] = page["next_cursor"]


async def drain(http: httpx.AsyncClient, timeout_s: float) -> tuple[dict[str, dict], float]:
    t0 = time.monotonic()
    while True:
        jobs = await all_jobs(http)
        if all(j["state"] in TERMINAL for j in jobs.values()) or time.monotonic() - t0 > timeout_s:
            return jobs, time.monotonic() - t0
        await asyncio.sleep(0.5)


def terminal_events(db_url: str, job_ids) -> dict[str, list[int]]:
    """Job id -> ids of its terminal state events, from the database."""
    return {j: [e["id"] for e in evs if e["type"] == "state" and e["data"].get("state") in TERMINAL]
            for j, evs in job_events(db_url, job_ids).items()}


def event_ids(db_url: str, job_ids) -> dict[str, list[int]]:
    return {j: [e["id"] for e in evs] for j, evs in job_events(db_url, job_ids).items()}


def job_events(db_url: str, job_ids) -> dict[str, list[dict]]:
    """Job id -> its events in id order, from the database."""
    from sqlalchemy import select

    from navm.runtime.jobs.database import connect
    from navm.runtime.jobs.schema import events

    db = connect(db_url)
    out: dict[str, list[dict]] = {j: [] for j in job_ids}
    ids = list(job_ids)
    try:
        with db.read() as conn:
            for i in range(0, len(ids), 500):
                for r in conn.execute(select(events.c.id, events.c.job_id, events.c.type, events.c.data)
                                      .where(events.c.job_id.in_(ids[i:i + 500])).order_by(events.c.id)).mappings():
                    out[r["job_id"]].append(dict(r))
    finally:
        db.dispose()
    return out


# -- phase 1: load

async def load_phase(args, server: Server, key: str, db: str, workers: int) -> bool:
    headers = {"Authorization": f"Bearer {key}", "User-Agent": "navm-bench"}
    limits = httpx.Limits(max_connections=args.clients + 8, max_keepalive_connections=args.clients + 8)
    stats = Stats()
    ok = True
    async with httpx.AsyncClient(base_url=server.url, headers=headers, limits=limits,
                                 timeout=httpx.Timeout(60.0)) as http:
        # warm-up: every worker imports JAX and compiles once, before the clock starts
        warm = [await submit(http, Stats(), i) for i in range(workers)]
        t0 = time.monotonic()
        while time.monotonic() - t0 < 180:
            states = [(await http.get(f"/v1/jobs/{j}")).json()["state"] for j in warm]
            if all(s in TERMINAL for s in states):
                break
            await asyncio.sleep(0.2)
        warm_ids = set(warm)

        print(f"load: {args.clients} clients for {args.duration:g} s, each submitting ghz.qbc (100 shots) and "
              f"polling its status every {args.poll:g} s; load average {loadavg()}", flush=True)
        cpu_gen0 = time.process_time()
        cpu_srv0 = cpu_seconds(server.process.pid) + sum(cpu_seconds(p) for p in children(server.process.pid))
        wall0, start = time.time(), time.monotonic()
        end = start + args.duration
        await asyncio.gather(*(load_client(n, server.url, headers, stats, end, args.poll)
                               for n in range(args.clients)))
        window = time.monotonic() - start
        wall1 = wall0 + args.duration
        cpu_srv1 = cpu_seconds(server.process.pid) + sum(cpu_seconds(p) for p in children(server.process.pid))
        cpu_gen = time.process_time() - cpu_gen0
        load_end = loadavg()

        jobs, drain_s = await drain(http, args.drain_timeout)

    finished = [wall(j["finished_at"]) for jid, j in jobs.items() if jid not in warm_ids]
    in_window = sum(1 for f in finished if f is not None and wall0 <= f < wall1)
    submitted_keys = len(stats.submitted)
    mine = {jid for jid in jobs if jid not in warm_ids}
    sent_ids = {jid for jid in stats.submitted.values() if jid is not None}
    unanswered = sum(1 for jid in stats.submitted.values() if jid is None)
    states = Counter(j["state"] for jid, j in jobs.items() if jid not in warm_ids)
    lost = sorted(sent_ids - set(jobs))
    unended = sorted(jid for jid in sent_ids & set(jobs) if jobs[jid]["state"] not in TERMINAL)
    extra = len(mine) - len(sent_ids)
    twice = {jid: ids for jid, ids in terminal_events(db, sent_ids).items() if len(ids) != 1}

    print(f"  submitted {submitted_keys:,} jobs ({len(warm)} more before the clock: warm-up), "
          f"{stats.retried_submits} resent, {stats.replayed} answered as replays")
    print(f"  completed {in_window:,} jobs inside the {args.duration:g} s window: "
          f"{in_window / args.duration:.1f} jobs/s  (seen ended by their clients: {stats.seen_ended:,})")
    print(f"  submit  (POST /v1/jobs)       {ms(stats.submit_s)}")
    print(f"  status  (GET /v1/jobs/{{id}})   {ms(stats.get_s)}")
    print(f"  requests: {len(stats.submit_s) + len(stats.get_s):,} in {window:.1f} s = "
          f"{(len(stats.submit_s) + len(stats.get_s)) / window:.0f} req/s")
    if stats.job_s:
        print(f"  job, submit to seen ended:    p50 {pct(stats.job_s, 50):.2f} s   p99 {pct(stats.job_s, 99):.2f} s")
    print(f"  drained the rest in {drain_s:.1f} s; end states: {dict(states)}")
    print(f"  CPU during the window: server + workers {cpu_srv1 - cpu_srv0:.1f} s, load generator {cpu_gen:.1f} s "
          f"(of {window * (os.cpu_count() or 1):.0f} CPU-seconds); load average at the end {load_end}")
    if stats.errors:
        print(f"  errors: {dict(stats.errors)}")
    checks = {
        "every submitted id exists": not lost,
        "every job ended": not unended,
        f"service holds exactly the {len(sent_ids):,} jobs submitted": extra == 0 and not lost,
        "one job per Idempotency-Key": stats.errors.get("one Idempotency-Key, two jobs", 0) == 0
        and len(sent_ids) == submitted_keys - unanswered,
        "one terminal state event per job": not twice,
    }
    for name, good in checks.items():
        print(f"  [{'ok' if good else 'FAIL'}] {name}")
        ok &= good
    if lost:
        print(f"    lost: {lost[:10]}")
    if unended:
        print(f"    not ended: {unended[:10]}")
    if extra:
        print(f"    {extra} jobs more than submitted")
    if twice:
        print(f"    terminal events: {dict(list(twice.items())[:10])}")
    if unanswered:
        print(f"  ({unanswered} submits never answered; their keys were not resent)")
    return ok


# -- phase 2: event streams

async def follow(http: httpx.AsyncClient, job_id: str, state: dict, opened: asyncio.Event) -> dict:
    """One event stream: when it opened (first event), its event ids, whether it reached the end."""
    out = {"job": job_id, "ids": [], "states": [], "first": None, "ended": False, "error": None}
    t0 = time.monotonic()
    try:
        async with http.stream("GET", f"/v1/jobs/{job_id}/events") as r:
            if r.status_code != 200:
                out["error"] = f"HTTP {r.status_code}"
                return out
            state["open"] += 1
            state["peak"] = max(state["peak"], state["open"])
            try:
                event: dict = {}
                async for line in r.aiter_lines():
                    if line:
                        if not line.startswith(":"):
                            name, _, value = line.partition(":")
                            event[name] = value[1:] if value.startswith(" ") else value
                        continue
                    if "data" not in event:
                        event = {}
                        continue
                    out["ids"].append(int(event["id"]))
                    if out["first"] is None:
                        out["first"] = time.monotonic() - t0
                        state["first"] += 1
                        if state["first"] == state["total"]:
                            opened.set()
                    if event.get("event") == "state":
                        st = json.loads(event["data"])["state"]
                        out["states"].append(st)
                        if st in TERMINAL:
                            out["ended"] = True
                    event = {}
            finally:
                state["open"] -= 1
    except httpx.HTTPError as err:
        out["error"] = f"{type(err).__name__}: {err}"
    return out


async def streams_phase(args, server: Server, key: str, admin_key: str, tenant: str, db: str) -> bool:
    n = args.streams
    headers = {"Authorization": f"Bearer {key}", "User-Agent": "navm-bench"}
    ok = True
    set_running(db, tenant, 0)  # hold the jobs in QUEUED while the streams open
    limits = httpx.Limits(max_connections=args.clients + 8, max_keepalive_connections=args.clients + 8)
    async with httpx.AsyncClient(base_url=server.url, headers=headers, limits=limits,
                                 timeout=httpx.Timeout(60.0)) as http:
        stats = Stats()
        t = time.monotonic()
        sem = asyncio.Semaphore(args.clients)

        async def one(i):
            async with sem:
                return await submit(http, stats, 10**6 + i)

        ids = [j for j in await asyncio.gather(*(one(i) for i in range(n))) if j is not None]
        print(f"streams: {len(ids):,} jobs submitted in {time.monotonic() - t:.1f} s, held QUEUED "
              f"(the tenant's max_running set to 0); load average {loadavg()}", flush=True)
        if stats.errors:
            print(f"  submit errors: {dict(stats.errors)}")
    wanted = set(ids)

    state = {"open": 0, "peak": 0, "first": 0, "total": len(ids)}
    opened = asyncio.Event()
    slimits = httpx.Limits(max_connections=n + 16, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=server.url, headers=headers, limits=slimits,
                                 timeout=httpx.Timeout(60.0, read=120.0, pool=120.0)) as sh, \
            httpx.AsyncClient(base_url=server.url, headers=headers, timeout=30) as http:
        t0 = time.monotonic()
        tasks = [asyncio.create_task(follow(sh, j, state, opened)) for j in ids]
        try:
            await asyncio.wait_for(opened.wait(), args.open_timeout)
        except asyncio.TimeoutError:
            pass
        open_s = time.monotonic() - t0
        first_open = state["first"]
        await asyncio.sleep(0.5)
        gauge = "n/a"
        try:
            scrape = await http.get("/metrics", headers={"Authorization": f"Bearer {admin_key}"})
            gauge = next((f"{float(line.split()[-1]):,.0f}" for line in scrape.text.splitlines()
                          if line.startswith("navm_event_streams ")), f"absent (HTTP {scrape.status_code})")
        except httpx.HTTPError as err:
            gauge = f"n/a ({type(err).__name__})"
        held = state["open"]
        queued = Counter(j["state"] for j in (await all_jobs(http)).values() if j["id"] in wanted)
        print(f"  opened {first_open:,} of {len(ids):,} streams in {open_s:.2f} s (to each one's first event); "
              f"open at once: {held:,} now, peak {state['peak']:,}; server's navm_event_streams gauge: "
              f"{gauge}; jobs meanwhile: {dict(queued)}", flush=True)

        t1 = time.monotonic()
        set_running(db, tenant, 100)  # let them run: every stream should follow its job to the end
        done, pending = await asyncio.wait(tasks, timeout=args.stream_timeout)
        run_s = time.monotonic() - t1
        for task in pending:
            task.cancel()
        results = [task.result() for task in done]
    firsts = [r["first"] for r in results if r["first"] is not None]
    truth = event_ids(db, ids)
    ended = [r for r in results if r["ended"]]
    exact = [r for r in ended if r["ids"] == truth[r["job"]]]
    errors = Counter(r["error"].split(":")[0] for r in results if r["error"])
    print(f"  stream open time (to first event): p50 {pct(firsts, 50) * 1e3:.0f} ms   "
          f"p99 {pct(firsts, 99) * 1e3:.0f} ms   max {max(firsts, default=float('nan')) * 1e3:.0f} ms")
    print(f"  after the quota was raised: {len(ended):,} streams reached their job's terminal event in {run_s:.1f} s "
          f"({len(ended) / run_s:.1f} jobs/s); {len(pending)} still open at the {args.stream_timeout:g} s limit"
          + (f"; errors {dict(errors)}" if errors else ""))
    events = sum(len(r["ids"]) for r in results)
    print(f"  {events:,} events delivered; load average {loadavg()}")
    checks = {
        f"all {len(ids):,} streams open at once": state["peak"] >= len(ids) and first_open == len(ids),
        "every stream received its events to the end": len(ended) == len(ids),
        "each exactly the database's events, in order, none twice": len(exact) == len(ids),
    }
    for name, good in checks.items():
        print(f"  [{'ok' if good else 'FAIL'}] {name}")
        ok &= good
    bad = [r for r in ended if r["ids"] != truth[r["job"]]][:3]
    for r in bad:
        print(f"    {r['job']}: stream {r['ids']} database {truth[r['job']]}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (default 60)")
    parser.add_argument("--clients", type=int, default=100, help="concurrent clients (default 100)")
    parser.add_argument("--streams", type=int, default=1000, help="concurrent event streams (default 1000; 0: none)")
    parser.add_argument("--db", help="database URL (default: a new SQLite file)")
    parser.add_argument("--workers", type=int, default=2, help="the server's workers (default 2)")
    parser.add_argument("--poll", type=float, default=0.2, help="seconds between a client's status GETs")
    parser.add_argument("--drain-timeout", type=float, default=600.0)
    parser.add_argument("--open-timeout", type=float, default=120.0, help="seconds to open all streams")
    parser.add_argument("--stream-timeout", type=float, default=600.0, help="seconds for the streams' jobs to run")
    args = parser.parse_args()

    limit = raise_open_files(max(4096, 2 * args.streams + 4 * args.clients + 1024))
    tmp = Path(tempfile.mkdtemp(prefix="navm-bench-service-"))
    db = args.db or f"sqlite:///{tmp / 'navm.db'}"
    if db.startswith("postgres://"):
        db = "postgresql://" + db[len("postgres://"):]
    tenant = f"bench-{uuid.uuid4().hex[:8]}"
    print(f"machine: {machine()}")
    print(f"load average {loadavg()}; open-file limit {limit[0]} (hard {limit[1]})")
    print(f"database: {'SQLite (new file)' if not args.db else db.split('@')[-1]}; {args.workers} workers; "
          f"tenant {tenant}")
    navm_cli("tenants", "set", tenant, "--max-running", "100", "--rate", "100000", "--burst", "100000",
             "--max-queued", "100000", "--shots-per-day", str(10**12), "--db", db)
    key = json.loads(navm_cli("keys", "create", "--db", db, "--tenant", tenant, "--scopes", "submit,read",
                              "--json"))["key"]
    # /metrics (the server's count of open event streams) takes a key with the admin scope
    admin_key = json.loads(navm_cli("keys", "create", "--db", db, "--tenant", tenant, "--scopes", "admin",
                                    "--json"))["key"]
    server = start_server(db, args.workers, tmp / "serve.log")
    ok = True
    try:
        ok &= asyncio.run(load_phase(args, server, key, db, args.workers))
        if args.streams > 0:
            ok &= asyncio.run(streams_phase(args, server, key, admin_key, tenant, db))
    except BaseException:
        print(log_tail(server), file=sys.stderr)
        raise
    finally:
        server.stop()
    if server.log.read_text(errors="replace").count("Traceback"):
        print(f"the server logged errors (log: {server.log}):\n{log_tail(server)}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    print("all checks passed" if ok else "SOME CHECKS FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
