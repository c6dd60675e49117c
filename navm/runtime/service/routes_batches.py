"""/v1/batches: many jobs at once, or an open batch that jobs join until it is closed; its status;
rerunning its failed jobs."""

from __future__ import annotations

import time

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import JSONResponse
from sqlalchemy import func, insert, select, update

from navm.runtime.jobs import states as S
from navm.runtime.jobs.schema import batches, jobs
from navm.runtime.jobs.store import StoreError, create_job, create_jobs, new_id, transition
from navm.runtime.jobs.tenants import Principal
from navm.runtime.service.auth import require
from navm.runtime.service.problems import Problem
from navm.runtime.service.routes_jobs import accepted, job_spec, store_problem
from navm.runtime.service.schemas import BatchRequest, JobRequest
from navm.runtime.service.views import rfc3339

router = APIRouter(prefix="/v1", tags=["batches"])


def _batch(db, tenant: str, batch_id: str) -> dict:
    with db.read() as conn:
        row = conn.execute(select(batches).where(batches.c.id == batch_id, batches.c.tenant == tenant)).mappings().first()
    if row is None:
        raise Problem(404, "batch-not-found", f"no batch {batch_id}")
    return dict(row)


def batch_json(db, batch: dict) -> dict:
    with db.read() as conn:
        counts = dict(conn.execute(select(jobs.c.state, func.count()).where(jobs.c.batch_id == batch["id"])
                                   .group_by(jobs.c.state)).all())
        ids = [r.id for r in conn.execute(select(jobs.c.id).where(jobs.c.batch_id == batch["id"]).order_by(jobs.c.seq))]
    total = sum(counts.values())
    return {"id": batch["id"], "open": batch["open"], "tags": batch["tags"], "created_at": rfc3339(batch["created_at"]),
            "closed_at": rfc3339(batch["closed_at"]), "jobs": total, "states": counts,
            "done": not batch["open"] and sum(counts.get(s, 0) for s in S.TERMINAL) == total,
            "job_ids": ids, "links": {"self": f"/v1/batches/{batch['id']}",
                                      "jobs": f"/v1/jobs?batch_id={batch['id']}"}}


@router.post("/batches", status_code=201, summary="Create a batch (its jobs, or an open batch)")
def create_batch(request: Request, body: BatchRequest, who: Principal = Depends(require("submit"))) -> JSONResponse:
    state = request.app.state.navm
    if len(body.jobs) > state.settings.max_batch_jobs:
        raise Problem(422, "validation-error", f"jobs: at most {state.settings.max_batch_jobs} per request",
                      errors=[{"field": "jobs", "message": "too many"}])
    specs = [job_spec(state, j) for j in body.jobs]
    batch_id = new_id("batch")
    try:  # the jobs first, all or none: a batch refused for its quota leaves nothing behind
        create_jobs(state.db, who.tenant, specs, request.state.quotas, batch_id=batch_id,
                    state=S.CREATED if body.open else S.QUEUED)
    except StoreError as err:
        raise store_problem(err) from None
    with state.db.write() as conn:
        conn.execute(insert(batches).values(id=batch_id, tenant=who.tenant, open=body.open, tags=body.tags,
                                            created_at=time.time(), closed_at=None if body.open else time.time()))
    out = batch_json(state.db, _batch(state.db, who.tenant, batch_id))
    return JSONResponse(out, status_code=201, headers={"Location": f"/v1/batches/{batch_id}"})


@router.get("/batches/{batch_id}", summary="A batch's status")
def get_batch(request: Request, batch_id: str, who: Principal = Depends(require("read"))) -> dict:
    db = request.app.state.navm.db
    return batch_json(db, _batch(db, who.tenant, batch_id))


@router.post("/batches/{batch_id}/jobs", status_code=202, summary="Add a job to an open batch")
def add_job(request: Request, batch_id: str, body: JobRequest, who: Principal = Depends(require("submit")),
            idempotency_key: str | None = Header(None, max_length=255)) -> JSONResponse:
    state = request.app.state.navm
    batch = _batch(state.db, who.tenant, batch_id)
    if not batch["open"] and not _replay(state.db, who.tenant, idempotency_key, batch_id):
        raise Problem(409, "batch-closed", f"batch {batch_id} is closed: it takes no more jobs")
    try:
        job, new = create_job(state.db, who.tenant, job_spec(state, body), request.state.quotas,
                              idempotency_key=idempotency_key, batch_id=batch_id, state=S.CREATED)
    except StoreError as err:
        raise store_problem(err) from None
    return accepted(state.db, job, new)


def _replay(db, tenant: str, key: str | None, batch_id: str) -> bool:
    """Whether this add is the retry of one the batch took (same Idempotency-Key) before it closed."""
    if key is None:
        return False
    with db.read() as conn:
        return conn.execute(select(jobs.c.id).where(jobs.c.tenant == tenant, jobs.c.idempotency_key == key,
                                                    jobs.c.batch_id == batch_id)).first() is not None


@router.post("/batches/{batch_id}:close", summary="Close an open batch: its jobs are queued")
def close_batch(request: Request, batch_id: str, who: Principal = Depends(require("submit"))) -> dict:
    db = request.app.state.navm.db
    _batch(db, who.tenant, batch_id)
    with db.write() as conn:
        conn.execute(update(batches).where(batches.c.id == batch_id, batches.c.open.is_(True))
                     .values(open=False, closed_at=time.time()))
        waiting = [r.id for r in conn.execute(select(jobs.c.id).where(jobs.c.batch_id == batch_id,
                                                                      jobs.c.state == S.CREATED))]
        for job_id in waiting:
            transition(conn, job_id, S.QUEUED)
    return batch_json(db, _batch(db, who.tenant, batch_id))


@router.post("/batches/{batch_id}:rerun", summary="Queue the batch's failed jobs again")
def rerun_failed(request: Request, batch_id: str, who: Principal = Depends(require("submit"))) -> dict:
    db = request.app.state.navm.db
    _batch(db, who.tenant, batch_id)
    with db.write() as conn:
        failed = [r.id for r in conn.execute(select(jobs.c.id).where(jobs.c.batch_id == batch_id,
                                                                     jobs.c.state == S.FAILED))]
        for job_id in failed:
            transition(conn, job_id, S.QUEUED, failure=None, finished_at=None, attempts=0, checkpoint=None,
                       event={"reason": "rerun of the batch's failed jobs"})
    out = batch_json(db, _batch(db, who.tenant, batch_id))
    out["rerun"] = failed
    return out
