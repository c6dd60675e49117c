"""Health, readiness, Prometheus metrics and usage."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text

from navm.runtime.jobs.store import usage_summary
from navm.runtime.jobs.tenants import Principal
from navm.runtime.service.auth import require
from navm.runtime.service.views import parse_time

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="The process answers")
def healthz() -> dict:
    return {"status": "ok"}


@router.get("/readyz", summary="The database answers and the job manager runs")
def readyz(request: Request):
    state = request.app.state.navm
    checks = {}
    try:
        with state.db.read() as conn:
            conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as err:
        checks["database"] = f"error: {type(err).__name__}"
    thread = state.manager._thread
    checks["manager"] = "ok" if thread is not None and thread.is_alive() else "stopped"
    ok = all(v == "ok" for v in checks.values())
    return JSONResponse({"status": "ok" if ok else "unavailable", "checks": checks}, status_code=200 if ok else 503)


@router.get("/metrics", summary="Prometheus metrics (a key with the admin scope: they show every tenant's usage)")
def metrics(request: Request, who: Principal = Depends(require("admin"))) -> Response:
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    return Response(generate_latest(request.app.state.navm.metrics.registry), media_type=CONTENT_TYPE_LATEST)


@router.get("/v1/usage", tags=["usage"], summary="The tenant's usage over a time range")
def usage(request: Request, since: str | None = None, until: str | None = None,
          who: Principal = Depends(require("read"))) -> dict:
    return usage_summary(request.app.state.navm.db, who.tenant, parse_time(since, "since"), parse_time(until, "until"))
