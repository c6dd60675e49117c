"""The service's tables (SQLAlchemy Core). Migrations (migrations/versions/) create and change them;
this module is what the code reads and writes, and a test checks the two agree.

Times are seconds since the epoch as floats (the same on SQLite and PostgreSQL); the API writes them
as RFC 3339. Artifacts are kept in the database, so a worker on another machine (Ray) writes them
where the server reads them.
"""

from __future__ import annotations

from sqlalchemy import (JSON, BigInteger, Boolean, Column, Float, ForeignKey, Index, Integer, LargeBinary,
                        MetaData, String, Table, Text, UniqueConstraint)

metadata = MetaData()

tenants = Table(
    "tenants", metadata,
    Column("name", String(64), primary_key=True),
    Column("max_running", Integer, nullable=False),
    Column("max_queued", Integer, nullable=False),
    Column("shots_per_day", BigInteger, nullable=False),
    Column("max_qubits", Integer, nullable=False),
    Column("rate_per_s", Float, nullable=False),
    Column("burst", Integer, nullable=False),
    Column("created_at", Float, nullable=False),
)

api_keys = Table(
    "api_keys", metadata,
    Column("id", String(32), primary_key=True),
    Column("tenant", String(64), ForeignKey("tenants.name"), nullable=False),
    Column("scopes", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
)

batches = Table(
    "batches", metadata,
    Column("id", String(40), primary_key=True),
    Column("tenant", String(64), nullable=False, index=True),
    Column("open", Boolean, nullable=False),
    Column("tags", JSON, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("closed_at", Float),
)

jobs = Table(
    "jobs", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(40), nullable=False, unique=True),
    Column("tenant", String(64), nullable=False),
    Column("batch_id", String(40), index=True),
    Column("state", String(16), nullable=False),
    Column("format", String(16), nullable=False),
    Column("filename", String(255), nullable=False),
    Column("source", Text, nullable=False),
    Column("target", String(64), nullable=False),
    Column("backend", String(64), nullable=False),
    Column("shots", BigInteger, nullable=False),
    Column("seed", BigInteger, nullable=False),
    Column("noise", String(16), nullable=False),
    Column("options", JSON, nullable=False),
    Column("tags", JSON, nullable=False),
    Column("request_hash", String(64), nullable=False),
    Column("idempotency_key", String(255)),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("started_at", Float),
    Column("finished_at", Float),
    Column("attempts", Integer, nullable=False, default=0),
    Column("token", Integer, nullable=False, default=0),
    Column("worker", String(128)),
    Column("progress_done", BigInteger, nullable=False, default=0),
    Column("progress_total", BigInteger, nullable=False, default=0),
    Column("failure", JSON),
    Column("result", JSON),
    Column("checkpoint", JSON),
    UniqueConstraint("tenant", "idempotency_key", name="uq_jobs_idempotency"),
    Index("ix_jobs_state_seq", "state", "seq"),
    Index("ix_jobs_tenant_seq", "tenant", "seq"),
)

job_tags = Table(
    "job_tags", metadata,
    Column("job_id", String(40), ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True),
    Column("tag", String(128), primary_key=True),
    Index("ix_job_tags_tag", "tag"),
)

events = Table(
    "events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("job_id", String(40), nullable=False),
    Column("type", String(16), nullable=False),
    Column("data", JSON, nullable=False),
    Column("created_at", Float, nullable=False),
    Index("ix_events_job_id", "job_id", "id"),
)

artifacts = Table(
    "artifacts", metadata,
    Column("job_id", String(40), ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True),
    Column("name", String(64), primary_key=True),
    Column("media_type", String(64), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("created_at", Float, nullable=False),
)

usage = Table(
    "usage", metadata,
    Column("job_id", String(40), primary_key=True),
    Column("tenant", String(64), nullable=False),
    Column("state", String(16), nullable=False),
    Column("shots", BigInteger, nullable=False),
    Column("cpu_seconds", Float, nullable=False),
    Column("qubit_seconds", Float, nullable=False),
    Column("finished_at", Float, nullable=False),
    Index("ix_usage_tenant_time", "tenant", "finished_at"),
)


# lattice health (navm.runtime.health.store): one row per heartbeat with its per-node arrays as raw
# little-endian float32 blobs (a node's history is one SUBSTR per heartbeat), the open and cleared
# alerts, and each lattice's per-node moving average
heartbeats = Table(
    "heartbeats", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("lattice", String(255), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("duration_s", Float, nullable=False),
    Column("nodes", Integer, nullable=False),
    Column("triangles", Integer, nullable=False),
    Column("min_fidelity", Float),
    Column("median_fidelity", Float),
    Column("mean_fidelity", Float),
    Column("alerts_opened", Integer, nullable=False),
    Column("alerts_cleared", Integer, nullable=False),
    Column("fidelity", LargeBinary, nullable=False),
    Column("purity", LargeBinary, nullable=False),
    Column("concurrence", LargeBinary, nullable=False),
    Column("entropy", LargeBinary, nullable=False),
    Index("ix_heartbeats_lattice_time", "lattice", "created_at"),
)

alerts = Table(
    "alerts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("lattice", String(255), nullable=False),
    Column("node", BigInteger, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("value", Float, nullable=False),
    Column("baseline", Float),
    Column("opened_at", Float, nullable=False),
    Column("opened_heartbeat", Integer, nullable=False),
    Column("cleared_at", Float),
    Column("cleared_heartbeat", Integer),
    Index("ix_alerts_lattice_open", "lattice", "cleared_at"),
)

lattice_state = Table(
    "lattice_state", metadata,
    Column("lattice", String(255), primary_key=True),
    Column("heartbeats", Integer, nullable=False),
    Column("baseline", LargeBinary, nullable=False),
    Column("updated_at", Float, nullable=False),
)
