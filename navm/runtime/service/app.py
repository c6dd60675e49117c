"""The FastAPI application: the store, the job manager and the event hub started with it and
stopped with it (lifespan), the routers, problem+json errors, the body limit, metrics."""

from __future__ import annotations

from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import FastAPI

from navm.runtime.jobs.database import Database, open_database
from navm.runtime.jobs.manager import JobManager, Limits
from navm.runtime.service.settings import Settings


@dataclass
class ServiceState:
    settings: Settings
    db: Database
    manager: JobManager
    hub: object
    auth: object
    limiter: object
    metrics: object
    recovered: dict
    health: object = None


def make_executor(settings: Settings):
    if settings.executor == "ray":
        from navm.runtime.jobs.ray_executor import RayExecutor

        return RayExecutor(settings.db_url, settings.workers, settings.ray_address)
    from navm.runtime.jobs.executors import LocalExecutor

    return LocalExecutor(settings.db_url, settings.workers)


def create_app(settings: Settings) -> FastAPI:
    from navm.frontend.source_text import forbid_file_reads
    from navm.runtime.jobs.runner import NO_FILE_READS
    from navm.runtime.service import (problems, routes_batches, routes_dashboard, routes_jobs, routes_lattice,
                                      routes_ops, routes_targets)
    from navm.runtime.service.auth import Authenticator
    from navm.runtime.service.body_limit import BodyLimit
    from navm.runtime.service.events import EventHub
    from navm.runtime.service.metrics import Metrics, measure
    from navm.runtime.service.ratelimit import RateLimiter

    forbid_file_reads(NO_FILE_READS)  # validate compiles in this process

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        db = open_database(settings.db_url)
        manager = JobManager(db, make_executor(settings), Limits(settings.time_limit_s, settings.memory_limit_mb,
                                                                 settings.max_attempts))
        hub = EventHub(db, settings.events_poll_s)
        state = ServiceState(settings, db, manager, hub, None, RateLimiter(), None, {})
        state.auth = Authenticator(state)
        if settings.watches_lattice:
            from navm.runtime.service.health import HealthService

            state.health = HealthService(db, settings.health)
        state.metrics = Metrics(state)
        app.state.navm = state
        state.recovered = manager.start()
        hub.start()
        if state.health is not None:
            state.health.start()
        try:
            yield
        finally:
            if state.health is not None:
                state.health.stop()
            hub.stop()
            manager.stop()
            db.dispose()

    from importlib.metadata import version

    app = FastAPI(title="navm job service", version=version("navm"), lifespan=lifespan,
                  description="Compile and run neutral-atom programs (docs/service.md).")
    problems.install(app)

    @app.middleware("http")
    async def _metrics(request, call_next):
        state = getattr(request.app.state, "navm", None)
        if state is None or state.metrics is None:
            return await call_next(request)
        return await measure(request, call_next, state.metrics)

    for module in (routes_jobs, routes_batches, routes_targets, routes_lattice, routes_ops):
        app.include_router(module.router)
    routes_dashboard.mount_dashboard(app)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    return app
