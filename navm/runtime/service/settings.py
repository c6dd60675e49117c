"""What `navm serve` was started with (docs/service.md, "Running it")."""

from __future__ import annotations

from dataclasses import dataclass, field

from navm.runtime.service.health import HealthSettings


@dataclass(frozen=True)
class Settings:
    db_url: str
    workers: int = 2
    executor: str = "local"
    ray_address: str | None = None
    time_limit_s: float = 600.0
    memory_limit_mb: float = 4096.0
    max_attempts: int = 3
    max_body_bytes: int = 1 << 20
    max_shots: int = 10**9
    max_batch_jobs: int = 1000
    auth_cache_s: float = 5.0
    events_poll_s: float = 0.1
    stream_keepalive_s: float = 15.0
    validate_max_steps: int = 10_000_000
    """`:validate` compiles in the server process: its unroll stops here (~4 s of classical code), not at the
    10^8 steps a job may take within its time limit."""
    health: HealthSettings = field(default_factory=HealthSettings)

    @property
    def watches_lattice(self) -> bool:
        return self.health.nodes is not None or self.health.table is not None
