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
        health = getattr(self.state, "health", None)
        if health is not None:
            yield from _health_metrics(health)


FIDELITY_BUCKETS = (0.5, 0.7, 0.8, 0.85, 0.9, 0.92, 0.94, 0.95, 0.96, 0.97, 0.98, 0.99, 0.995, 1.0)
DURATION_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0)


def _histogram(name: str, doc: str, values, buckets):
    import numpy as np
    from prometheus_client.core import HistogramMetricFamily

    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    counts = [float((values <= b).sum()) for b in buckets]
    return HistogramMetricFamily(name, doc, buckets=[(str(b), c) for b, c in zip(buckets, counts)]
                                 + [("+Inf", float(len(values)))], sum_value=float(values.sum()))


def _health_metrics(health):
    from navm.runtime.health import store

    yield _histogram("navm_heartbeat_duration_seconds", "heartbeat duration (the last 1,000)", health.durations,
                     DURATION_BUCKETS)
    if health.latest is not None:
        yield _histogram("navm_node_fidelity", "W fidelity of every node in the latest heartbeat",
                         health.latest[1]["fidelity"], FIDELITY_BUCKETS)
    yield GaugeMetricFamily("navm_alerts_open", "open lattice alerts", value=store.open_alert_count(health.db, health.key))
    yield GaugeMetricFamily("navm_lattice_nodes", "nodes of the watched lattice", value=health.lattice.nodes)


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
