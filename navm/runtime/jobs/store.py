"""Jobs in the database: creation (idempotent, within quotas), reads, pages, fenced state changes,
events, cancellation, and the recovery of jobs a dead server or worker left behind.

Every state change is one UPDATE that names the states it may come from (and, for a worker's
writes, the job's `token`, which each claim increments): a worker that lost its job to a restart
or a cancel finds its UPDATE matching no row and stops, so no job completes twice. The change and
its event row are written in the same transaction, so the event stream is exactly the history.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from dataclasses import asdict, dataclass, field

from sqlalchemy import Connection, and_, delete, func, insert, select, update

from navm.runtime.jobs import states as S
from navm.runtime.jobs.database import Database
from navm.runtime.jobs.schema import artifacts, events, job_tags, jobs, tenants, usage
from navm.runtime.jobs.tenants import Quotas

DAY_S = 86_400.0


class StoreError(Exception):
    """A request the store refuses; `kind` is the problem type the API answers with."""

    def __init__(self, kind: str, detail: str, status: int, **extra):
        super().__init__(detail)
        self.kind, self.detail, self.status, self.extra = kind, detail, status, extra


@dataclass(frozen=True)
class JobSpec:
    """What a job runs: the program and how (the body of POST /v1/jobs, checked)."""

    format: str
    source: str
    filename: str
    target: str
    backend: str
    shots: int
    seed: int
    noise: str = "program"
    options: dict = field(default_factory=dict)
    tags: tuple[str, ...] = ()

    def request_hash(self) -> str:
        body = asdict(self)
        body["tags"] = list(self.tags)
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


def add_event(conn: Connection, job_id: str, kind: str, data: dict) -> None:
    conn.execute(insert(events).values(job_id=job_id, type=kind, data=data, created_at=time.time()))


def create_job(db: Database, tenant: str, spec: JobSpec, quotas: Quotas, *, idempotency_key: str | None = None,
               batch_id: str | None = None, state: str = S.QUEUED) -> tuple[dict, bool]:
    """(the job, whether it is new). The same idempotency key with the same body (and batch) gives the
    job made the first time; with another body it is a conflict."""
    digest = spec.request_hash()
    with db.write() as conn:
        if idempotency_key is not None:
            old = conn.execute(select(jobs).where(jobs.c.tenant == tenant,
                                                  jobs.c.idempotency_key == idempotency_key)).mappings().first()
            if old is not None:
                if old["request_hash"] != digest or old["batch_id"] != batch_id:
                    raise StoreError("idempotency-conflict", "this Idempotency-Key was used with another request "
                                     f"(job {old['id']})", 409, job_id=old["id"])
                return dict(old), False
        _check_quotas(conn, tenant, [spec], quotas, time.time())
        return _insert_job(conn, tenant, spec, digest, idempotency_key, batch_id, state), True


def create_jobs(db: Database, tenant: str, specs: list[JobSpec], quotas: Quotas, *, batch_id: str | None = None,
                state: str = S.QUEUED) -> list[dict]:
    """Many jobs in one transaction: all of them within the quotas, or none."""
    with db.write() as conn:
        _check_quotas(conn, tenant, specs, quotas, time.time())
        return [_insert_job(conn, tenant, spec, spec.request_hash(), None, batch_id, state) for spec in specs]


def _insert_job(conn: Connection, tenant: str, spec: JobSpec, digest: str, idempotency_key: str | None,
                batch_id: str | None, state: str) -> dict:
    job_id = new_id("job")
    now = time.time()
    conn.execute(insert(jobs).values(
        id=job_id, tenant=tenant, batch_id=batch_id, state=state, format=spec.format, filename=spec.filename,
        source=spec.source, target=spec.target, backend=spec.backend, shots=spec.shots, seed=spec.seed,
        noise=spec.noise, options=spec.options, tags=list(spec.tags), request_hash=digest,
        idempotency_key=idempotency_key, created_at=now, updated_at=now, attempts=0, token=0,
        progress_done=0, progress_total=spec.shots))
    if spec.tags:
        conn.execute(insert(job_tags), [{"job_id": job_id, "tag": t} for t in dict.fromkeys(spec.tags)])
    add_event(conn, job_id, "state", {"state": state})
    return dict(conn.execute(select(jobs).where(jobs.c.id == job_id)).mappings().one())


def _check_quotas(conn: Connection, tenant: str, specs: list[JobSpec], quotas: Quotas, now: float) -> None:
    waiting = conn.execute(select(func.count()).select_from(jobs).where(
        jobs.c.tenant == tenant, jobs.c.state.in_((S.CREATED, S.QUEUED)))).scalar_one()
    if waiting + len(specs) > quotas.max_queued:
        raise StoreError("quota-exceeded", f"the tenant has {waiting} jobs waiting; {len(specs)} more would pass its "
                         f"quota of {quotas.max_queued} queued jobs", 429, quota="max_queued", limit=quotas.max_queued)
    shots = sum(spec.shots for spec in specs)
    today = conn.execute(select(func.coalesce(func.sum(jobs.c.shots), 0)).where(
        jobs.c.tenant == tenant, jobs.c.created_at >= now - DAY_S,
        jobs.c.state != S.CANCELLED)).scalar_one()
    if today + shots > quotas.shots_per_day:
        raise StoreError("quota-exceeded", f"{shots:,} shots would bring the tenant to {today + shots:,} "
                         f"in 24 hours; its quota is {quotas.shots_per_day:,} shots per day", 429,
                         quota="shots_per_day", limit=quotas.shots_per_day, used=int(today))


def get_job(db: Database, job_id: str, tenant: str | None = None) -> dict | None:
    """The job, or None if there is none (or it belongs to another tenant)."""
    cond = jobs.c.id == job_id if tenant is None else and_(jobs.c.id == job_id, jobs.c.tenant == tenant)
    with db.read() as conn:
        row = conn.execute(select(jobs).where(cond)).mappings().first()
    return dict(row) if row is not None else None


def queue_position(db: Database, job: dict) -> int | None:
    """How many queued jobs come before this one (0: next), or None if it is not queued."""
    if job["state"] != S.QUEUED:
        return None
    with db.read() as conn:
        return conn.execute(select(func.count()).select_from(jobs).where(
            jobs.c.state == S.QUEUED, jobs.c.seq < job["seq"])).scalar_one()


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"s{seq}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not text.startswith("s"):
            raise ValueError
        return int(text[1:])
    except (ValueError, UnicodeDecodeError):
        raise StoreError("invalid-cursor", "the cursor is not one this service gave out", 400) from None


def list_jobs(db: Database, tenant: str, *, state: str | None = None, tag: str | None = None,
              batch_id: str | None = None, since: float | None = None, until: float | None = None,
              cursor: str | None = None, limit: int = 50) -> tuple[list[dict], str | None]:
    """One page of the tenant's jobs, newest first, and the cursor of the next page (None: last)."""
    query = select(jobs).where(jobs.c.tenant == tenant)
    if state:
        query = query.where(jobs.c.state == state)
    if tag:
        query = query.where(jobs.c.id.in_(select(job_tags.c.job_id).where(job_tags.c.tag == tag)))
    if batch_id:
        query = query.where(jobs.c.batch_id == batch_id)
    if since is not None:
        query = query.where(jobs.c.created_at >= since)
    if until is not None:
        query = query.where(jobs.c.created_at < until)
    if cursor:
        query = query.where(jobs.c.seq < decode_cursor(cursor))
    with db.read() as conn:
        rows = [dict(r) for r in conn.execute(query.order_by(jobs.c.seq.desc()).limit(limit + 1)).mappings()]
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode_cursor(rows[-1]["seq"]) if more and rows else None


def transition(conn: Connection, job_id: str, new: str, *, token: int | None = None,
               event: dict | None = None, **values) -> bool:
    """Move the job to `new` if its state allows it (and its token is `token`); False otherwise."""
    sources = [old for old, targets in S.TRANSITIONS.items() if new in targets]
    cond = [jobs.c.id == job_id, jobs.c.state.in_(sources)]
    if token is not None:
        cond.append(jobs.c.token == token)
    now = time.time()
    if new in S.TERMINAL:
        values.setdefault("finished_at", now)
    done = conn.execute(update(jobs).where(*cond).values(state=new, updated_at=now, **values)).rowcount
    if done:
        add_event(conn, job_id, "state", {"state": new, **(event or {})})
    return bool(done)


def cancel_job(db: Database, job_id: str, tenant: str) -> dict | None:
    """Ask for the job's cancellation (idempotent): a waiting job is CANCELLED at once, a running one
    CANCELLING until its worker is stopped; a finished job is left as it is."""
    with db.write() as conn:
        row = conn.execute(select(jobs.c.state).where(jobs.c.id == job_id, jobs.c.tenant == tenant)).first()
        if row is None:
            return None
        if row.state in (S.CREATED, S.QUEUED):
            transition(conn, job_id, S.CANCELLED)
        elif row.state in S.ACTIVE:
            transition(conn, job_id, S.CANCELLING)
    return get_job(db, job_id, tenant)


def tenant_quotas(conn: Connection) -> dict[str, Quotas]:
    return {r["name"]: Quotas.of_row(r) for r in conn.execute(select(tenants)).mappings()}


def claim_next(db: Database, worker: str, busy_tenants: dict[str, int] | None = None) -> dict | None:
    """Take the next queued job for `worker` (COMPILING, one more attempt, a new token): among the
    tenants below their quota of running jobs, the one with the fewest running, oldest job first."""
    with db.write() as conn:
        running = dict(conn.execute(select(jobs.c.tenant, func.count()).where(
            jobs.c.state.in_((S.COMPILING, S.RUNNING, S.CANCELLING))).group_by(jobs.c.tenant)).all())
        heads = conn.execute(select(jobs.c.tenant, func.min(jobs.c.seq)).where(
            jobs.c.state == S.QUEUED).group_by(jobs.c.tenant)).all()
        if not heads:
            return None
        limits = tenant_quotas(conn)
        ready = [(running.get(t, 0), seq, t) for t, seq in heads
                 if t not in limits or running.get(t, 0) < limits[t].max_running]
        if not ready:
            return None
        _, seq, _ = min(ready)
        query = select(jobs).where(jobs.c.seq == seq, jobs.c.state == S.QUEUED)
        if not db.is_sqlite:
            query = query.with_for_update(skip_locked=True)
        row = conn.execute(query).mappings().first()
        if row is None:
            return None
        token = row["token"] + 1
        now = time.time()
        conn.execute(update(jobs).where(jobs.c.seq == seq).values(
            state=S.COMPILING, token=token, attempts=row["attempts"] + 1, worker=worker,
            started_at=row["started_at"] or now, updated_at=now))
        add_event(conn, row["id"], "state", {"state": S.COMPILING, "attempt": row["attempts"] + 1})
        out = dict(row)
    out.update(state=S.COMPILING, token=token, attempts=out["attempts"] + 1, worker=worker)
    return out


def requeue(conn: Connection, job: dict, reason: str, max_attempts: int) -> str:
    """A job whose worker ended without a verdict: QUEUED again, or FAILED past `max_attempts`."""
    if job["state"] == S.CANCELLING:
        transition(conn, job["id"], S.CANCELLED, event={"reason": reason})
        return S.CANCELLED
    if job["attempts"] >= max_attempts:
        failure = {"type": "attempts-exhausted", "detail": f"{reason}; gave up after {job['attempts']} attempts",
                   "diagnostic": None}
        transition(conn, job["id"], S.FAILED, failure=failure, event={"failure": failure})
        return S.FAILED
    transition(conn, job["id"], S.QUEUED, worker=None, event={"reason": reason, "attempts": job["attempts"]})
    return S.QUEUED


def recover(db: Database, max_attempts: int) -> dict[str, int]:
    """At start: every job a worker held when the last server stopped is requeued (or ended)."""
    outcome: dict[str, int] = {}
    with db.write() as conn:
        held = conn.execute(select(jobs).where(jobs.c.state.in_((S.COMPILING, S.RUNNING, S.CANCELLING)))).mappings()
        for job in [dict(j) for j in held]:
            end = requeue(conn, job, "the server stopped while the job ran", max_attempts)
            outcome[end] = outcome.get(end, 0) + 1
    return outcome


def events_after(db: Database, job_id: str, after: int, limit: int = 1000) -> list[dict]:
    with db.read() as conn:
        return [dict(r) for r in conn.execute(select(events).where(events.c.job_id == job_id, events.c.id > after)
                                              .order_by(events.c.id).limit(limit)).mappings()]


def put_artifact(conn: Connection, job_id: str, name: str, media_type: str, content: bytes) -> None:
    conn.execute(delete(artifacts).where(artifacts.c.job_id == job_id, artifacts.c.name == name))
    conn.execute(insert(artifacts).values(job_id=job_id, name=name, media_type=media_type, size=len(content),
                                          content=content, created_at=time.time()))


def list_artifacts(db: Database, job_id: str) -> list[dict]:
    with db.read() as conn:
        return [dict(r) for r in conn.execute(select(artifacts.c.name, artifacts.c.media_type, artifacts.c.size)
                                              .where(artifacts.c.job_id == job_id).order_by(artifacts.c.name))
                .mappings()]


def artifact_info(db: Database, job_id: str, name: str) -> dict | None:
    with db.read() as conn:
        row = conn.execute(select(artifacts.c.name, artifacts.c.media_type, artifacts.c.size).where(
            artifacts.c.job_id == job_id, artifacts.c.name == name)).mappings().first()
    return dict(row) if row else None


def artifact_chunks(db: Database, job_id: str, name: str, size: int, chunk: int = 1 << 20):
    """The artifact's bytes in pieces, each read on its own (SUBSTR): a download never holds it whole."""
    for start in range(0, size, chunk):
        with db.read() as conn:
            piece = conn.execute(select(func.substr(artifacts.c.content, start + 1, chunk)).where(
                artifacts.c.job_id == job_id, artifacts.c.name == name)).scalar_one_or_none()
        if piece is None:
            return
        yield bytes(piece)


def record_usage(conn: Connection, job: dict, state: str, shots: int, cpu_seconds: float,
                 qubit_seconds: float) -> dict:
    row = {"job_id": job["id"], "tenant": job["tenant"], "state": state, "shots": int(shots),
           "cpu_seconds": float(cpu_seconds), "qubit_seconds": float(qubit_seconds), "finished_at": time.time()}
    conn.execute(delete(usage).where(usage.c.job_id == job["id"]))
    conn.execute(insert(usage).values(**row))
    return row


def usage_summary(db: Database, tenant: str, since: float | None, until: float | None) -> dict:
    query = select(func.count(), func.coalesce(func.sum(usage.c.shots), 0),
                   func.coalesce(func.sum(usage.c.cpu_seconds), 0.0),
                   func.coalesce(func.sum(usage.c.qubit_seconds), 0.0)).where(usage.c.tenant == tenant)
    if since is not None:
        query = query.where(usage.c.finished_at >= since)
    if until is not None:
        query = query.where(usage.c.finished_at < until)
    with db.read() as conn:
        n, shots, cpu, qs = conn.execute(query).one()
    return {"tenant": tenant, "jobs": int(n), "shots": int(shots), "cpu_seconds": float(cpu),
            "qubit_seconds": float(qs)}
