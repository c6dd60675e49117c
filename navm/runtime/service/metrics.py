"""Prometheus metrics at /metrics: requests by route and status, latency histograms, jobs by state,
queue depth, worker use, shots run, per-tenant usage. Request metrics are counted as requests end;
the job figures are read from the database when Prometheus scrapes."""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from sqlalchemy import func, select

from navm.runtime.jobs import states as S
from navm.runtime.jobs.schema import jobs, usage


class Metrics:
    def __init__(self, state):
        self.registry = CollectorRegistry()
        self.requests = Counter("navm_http_requests_total", "HTTP requests by route and status",
                                ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram("navm_http_request_duration_seconds", "HTTP request latency by route",
                                 ["method", "route"], registry=self.registry,
                                 buckets=(.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10))
        self.registry.register(_JobCollector(state))

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)


class _JobCollector:
    def __init__(self, state):
        self.state = state

    def collect(self):
        db = self.state.db
        with db.read() as conn:
            by_state = dict(conn.execute(select(jobs.c.state, func.count()).group_by(jobs.c.state)).all())
            per_tenant = conn.execute(select(usage.c.tenant, func.count(), func.sum(usage.c.shots),
                                             func.sum(usage.c.cpu_seconds), func.sum(usage.c.qubit_seconds))
                                      .group_by(usage.c.tenant)).all()
        g = GaugeMetricFamily("navm_jobs", "jobs by state", labels=["state"])
        for st in S.STATES:
            g.add_metric([st], by_state.get(st, 0))
        yield g
        yield GaugeMetricFamily("navm_queue_depth", "jobs waiting for a worker", value=by_state.get(S.QUEUED, 0))
        ex = self.state.manager.executor
        busy = len(ex.running())
        yield GaugeMetricFamily("navm_workers_busy", "workers running a job", value=busy)
        yield GaugeMetricFamily("navm_workers", "workers", value=self.state.settings.workers)
        yield GaugeMetricFamily("navm_event_streams", "open event streams", value=self.state.hub.streams)
        shots = CounterMetricFamily("navm_shots", "shots run, by tenant", labels=["tenant"])
        jobs_done = CounterMetricFamily("navm_tenant_jobs_finished", "finished jobs, by tenant", labels=["tenant"])
        cpu = CounterMetricFamily("navm_tenant_cpu_seconds", "worker CPU seconds, by tenant", labels=["tenant"])
        qsec = CounterMetricFamily("navm_tenant_qubit_seconds", "qubit-seconds simulated, by tenant",
                                   labels=["tenant"])
        for tenant, n, s, c, q in per_tenant:
            jobs_done.add_metric([tenant], n)
            shots.add_metric([tenant], s or 0)
            cpu.add_metric([tenant], c or 0.0)
            qsec.add_metric([tenant], q or 0.0)
        yield from (shots, jobs_done, cpu, qsec)


def route_of(request) -> str:
    """The route's template (`/v1/jobs/{job_id}`), so that labels do not grow with every id."""
    route = request.scope.get("route")
    return getattr(route, "path", None) or "unmatched"


async def measure(request, call_next, metrics: Metrics):
    t0 = time.perf_counter()
    response = await call_next(request)
    metrics.observe(request.method, route_of(request), response.status_code, time.perf_counter() - t0)
    headers = getattr(request.state, "rate_headers", None)
    if headers:
        for k, v in headers.items():
            response.headers.setdefault(k, v)
    return response
