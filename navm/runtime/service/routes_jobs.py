"""/v1/jobs: submit, validate, list, read, result, artifacts, cancel, events."""

from __future__ import annotations

import asyncio
from dataclasses import asdict

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse

from navm.runtime.jobs import states as S
from navm.runtime.jobs.store import (JobSpec, StoreError, artifact_chunks, artifact_info, cancel_job, create_job,
                                     events_after, get_job, list_artifacts, list_jobs)
from navm.runtime.jobs.tenants import Principal
from navm.runtime.service.auth import require
from navm.runtime.service.problems import Problem
from navm.runtime.service.schemas import JobRequest
from navm.runtime.service.views import job_json, parse_time, sse

router = APIRouter(prefix="/v1", tags=["jobs"])
ARTIFACT_NAME = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
SUFFIX = {"qbc": ".qbc", "sigma": ".sigma.json", "qasm2": ".qasm"}


def _state(request: Request):
    return request.app.state.navm


def job_spec(state, body: JobRequest) -> JobSpec:
    """The checked job: a known target and backend, options the backend takes, shots within bounds."""
    from navm.devices import builtin_profiles
    from navm.runtime.jobs.backends import available, registry

    targets = builtin_profiles()
    if body.target not in targets:
        raise Problem(422, "validation-error", f"target: unknown device '{body.target}'",
                      errors=[{"field": "target", "message": f"one of {', '.join(targets)}"}])
    backends = available()
    if body.backend not in backends:
        why = registry().get(body.backend)
        message = f"unavailable here ({why.reason})" if why is not None else f"one of {', '.join(sorted(backends))}"
        raise Problem(422, "validation-error", f"backend: unknown or unavailable backend '{body.backend}'",
                      errors=[{"field": "backend", "message": message}])
    caps = backends[body.backend].capabilities
    given = {k for k, v in body.options.model_dump().items() if v not in (None, False, [], ())}
    for name in sorted(given & {"observables", "detectors", "dem", "records", "state"}):
        if name not in caps.options:
            raise Problem(422, "validation-error", f"options.{name}: the {body.backend} backend does not take it",
                          errors=[{"field": f"options.{name}", "message": f"{body.backend} takes "
                                   f"{', '.join(caps.options) or 'none of the run options'}"}])
    if body.noise not in caps.noise_models:
        raise Problem(422, "validation-error", f"noise: the {body.backend} backend cannot run noise '{body.noise}'",
                      errors=[{"field": "noise", "message": f"one of {', '.join(caps.noise_models)}"}])
    if body.shots > state.settings.max_shots:
        raise Problem(422, "validation-error", f"shots: at most {state.settings.max_shots:,} per job",
                      errors=[{"field": "shots", "message": f"at most {state.settings.max_shots}"}])
    for tag in body.tags:
        if not tag or len(tag) > 128:
            raise Problem(422, "validation-error", "tags: each tag has 1 to 128 characters",
                          errors=[{"field": "tags", "message": "1 to 128 characters"}])
    options = {k: v for k, v in body.options.model_dump().items() if v not in (None, False, [])}
    return JobSpec(body.format, body.source, body.filename or f"program{SUFFIX[body.format]}", body.target,
                   body.backend, body.shots, body.seed, body.noise, options, tuple(body.tags))


def store_problem(err: StoreError) -> Problem:
    return Problem(err.status, err.kind, err.detail, **err.extra)


@router.post("/jobs", status_code=202, summary="Submit a job")
def submit(request: Request, body: JobRequest, who: Principal = Depends(require("submit")),
           idempotency_key: str | None = Header(None, max_length=255)) -> JSONResponse:
    state = _state(request)
    spec = job_spec(state, body)
    try:
        job, new = create_job(state.db, who.tenant, spec, request.state.quotas, idempotency_key=idempotency_key)
    except StoreError as err:
        raise store_problem(err) from None
    return accepted(state.db, job, new)


def accepted(db, job: dict, new: bool) -> JSONResponse:
    """202 with the job and its Location; a replay of an earlier request (same Idempotency-Key) says so."""
    headers = {"Location": f"/v1/jobs/{job['id']}"}
    if not new:
        headers["Idempotent-Replayed"] = "true"
    return JSONResponse(job_json(db, job), status_code=202, headers=headers)


@router.post("/jobs:validate", summary="Compile a program without running it")
def validate(request: Request, body: JobRequest, who: Principal = Depends(require("submit"))) -> dict:
    from navm.diagnostics import NavmError
    from navm.runtime.jobs.runner import compile_job, diagnostic
    from navm.runtime.vm import DynamicValueError

    state = _state(request)
    spec = job_spec(state, body)
    try:
        compiled = compile_job(asdict(spec), (f"unroll{{max_steps={state.settings.validate_max_steps}}}",))
    except DynamicValueError as why:
        return {"valid": True, "dynamic": True, "why_dynamic": why.message, "num_qubits": None, "schedule": None}
    except NavmError as err:
        raise Problem(422, "invalid-program", str(err), diagnostic=diagnostic(err)) from None
    return {"valid": True, "dynamic": False, "num_qubits": compiled.num_qubits,
            "schedule": compiled.schedule().to_json()["schedule"]}


@router.get("/jobs", summary="List jobs, newest first")
def jobs_page(request: Request, who: Principal = Depends(require("read")),
              state: str | None = Query(None), tag: str | None = Query(None, max_length=128),
              batch_id: str | None = Query(None), since: str | None = None, until: str | None = None,
              cursor: str | None = Query(None, max_length=64), limit: int = Query(50, ge=1, le=500)) -> dict:
    st = _state(request)
    if state is not None and state not in S.STATES:
        raise Problem(422, "validation-error", f"state: one of {', '.join(S.STATES)}",
                      errors=[{"field": "state", "message": "unknown state"}])
    try:
        rows, nxt = list_jobs(st.db, who.tenant, state=state, tag=tag, batch_id=batch_id,
                              since=parse_time(since, "since"), until=parse_time(until, "until"),
                              cursor=cursor, limit=limit)
    except StoreError as err:
        raise store_problem(err) from None
    return {"jobs": [job_json(st.db, r, position=False) for r in rows], "next_cursor": nxt}


def _own_job(request: Request, who: Principal, job_id: str) -> dict:
    job = get_job(_state(request).db, job_id, who.tenant)
    if job is None:  # another tenant's job reads exactly as a job that does not exist
        raise Problem(404, "job-not-found", f"no job {job_id}")
    return job


@router.get("/jobs/{job_id}", summary="A job")
def job(request: Request, job_id: str, who: Principal = Depends(require("read"))) -> dict:
    return job_json(_state(request).db, _own_job(request, who, job_id))


@router.get("/jobs/{job_id}/result", summary="A completed job's result")
def result(request: Request, job_id: str, who: Principal = Depends(require("read"))) -> dict:
    job = _own_job(request, who, job_id)
    if job["state"] == S.FAILED:
        raise Problem(409, "job-failed", f"job {job_id} failed: {job['failure']['detail']}", failure=job["failure"])
    if job["state"] != S.COMPLETED:
        raise Problem(409, "job-not-finished", f"job {job_id} is {job['state']}; its result comes when it is COMPLETED",
                      state=job["state"])
    return job["result"]


@router.get("/jobs/{job_id}/artifacts", summary="A job's artifacts")
def artifacts(request: Request, job_id: str, who: Principal = Depends(require("read"))) -> dict:
    _own_job(request, who, job_id)
    items = list_artifacts(_state(request).db, job_id)
    return {"artifacts": [{**a, "href": f"/v1/jobs/{job_id}/artifacts/{a['name']}"} for a in items]}


@router.get("/jobs/{job_id}/artifacts/{name}", summary="Download an artifact (streamed)")
def artifact(request: Request, job_id: str, name: str, who: Principal = Depends(require("read"))):
    import re

    _own_job(request, who, job_id)
    info = artifact_info(_state(request).db, job_id, name) if re.match(ARTIFACT_NAME, name) else None
    if info is None:
        raise Problem(404, "artifact-not-found", f"job {job_id} has no artifact {name!r}")
    return StreamingResponse(artifact_chunks(_state(request).db, job_id, name, info["size"]),
                             media_type=info["media_type"],
                             headers={"Content-Length": str(info["size"]),
                                      "Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/jobs/{job_id}:cancel", summary="Cancel a job (idempotent)")
def cancel(request: Request, job_id: str, who: Principal = Depends(require("submit"))) -> dict:
    job = cancel_job(_state(request).db, job_id, who.tenant)
    if job is None:
        raise Problem(404, "job-not-found", f"no job {job_id}")
    return job_json(_state(request).db, job)


@router.get("/jobs/{job_id}/events", summary="The job's events as server-sent events (replayable)")
async def job_events(request: Request, job_id: str, who: Principal = Depends(require("read")),
                     last_event_id: str | None = Header(None)):
    state = _state(request)
    job = await asyncio.to_thread(get_job, state.db, job_id, who.tenant)
    if job is None:
        raise Problem(404, "job-not-found", f"no job {job_id}")
    after = int(last_event_id) if last_event_id and last_event_id.isdigit() else 0
    return StreamingResponse(_stream(request, state, job_id, after), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


async def _stream(request: Request, state, job_id: str, after: int):
    queue = state.hub.subscribe(job_id)
    try:
        while True:  # the history first, from the database (a rerun job has more than one ending)
            batch = await asyncio.to_thread(events_after, state.db, job_id, after)
            for ev in batch:
                after = ev["id"]
                yield sse(ev)
            if len(batch) < 1000:
                break
        job = await asyncio.to_thread(get_job, state.db, job_id)
        if job is not None and job["state"] in S.TERMINAL:  # it has ended: what came after the replay, and done
            for ev in await asyncio.to_thread(events_after, state.db, job_id, after):
                yield sse(ev)
            return
        while True:
            try:
                ev = await asyncio.wait_for(queue.get(), state.settings.stream_keepalive_s)
            except asyncio.TimeoutError:
                if await request.is_disconnected():
                    return
                yield ": keep-alive\n\n"
                continue
            if ev["id"] <= after:
                continue
            after = ev["id"]
            yield sse(ev)
            if ev["type"] == "state" and ev["data"].get("state") in S.TERMINAL:
                return
    finally:
        state.hub.unsubscribe(job_id, queue)
