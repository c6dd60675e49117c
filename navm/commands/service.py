"""`navm serve`, `navm keys`, `navm tenants`: run the job service and manage who may use it
(docs/service.md). The service's modules are imported only here, never by the compiler's commands."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Optional

import typer

from navm.commands.console import err_console, out_console
from navm.diagnostics import NavmError

keys_app = typer.Typer(help="API keys of the job service.", no_args_is_help=True)
tenants_app = typer.Typer(help="Tenants of the job service and their quotas.", no_args_is_help=True)

DATA_HELP = "The service's data folder (its SQLite database): the same as `navm serve --data`."
DB_HELP = "A database URL instead (postgresql://USER:PASSWORD@HOST/NAME), as `navm serve --db`."


def _db(data: Optional[str], db: Optional[str]):
    from navm.runtime.jobs.database import database_url, open_database

    return open_database(database_url(data, db))


@dataclass(frozen=True)
class LatticeOptions:
    heartbeat_every: Optional[str] = None
    nodes: Optional[int] = None
    table: Optional[str] = None
    device: str = "square-16x16"
    keep: int = 1000
    threshold: float = 0.9
    drop: float = 0.05

    def settings(self):
        from navm.runtime.health.alerts import AlertRules
        from navm.runtime.service.health import HealthSettings, parse_interval

        if self.nodes is not None and self.table is not None:
            raise NavmError("--lattice-nodes and --lattice-table: give one")
        every = parse_interval(self.heartbeat_every) if self.heartbeat_every is not None else None
        nodes = self.nodes if self.nodes is not None or self.table is not None or every is None else 5000
        if self.keep < 1:
            raise NavmError("--heartbeat-keep must be 1 or more")
        return HealthSettings(nodes, self.table, self.device, every, self.keep,
                              AlertRules(threshold=self.threshold, drop=self.drop))


def serve(host: str, port: int, data: Optional[str], db: Optional[str], workers: int, executor: str,
          ray_address: Optional[str], time_limit: float, memory_limit: float, max_body: int,
          lattice: LatticeOptions = LatticeOptions()) -> None:
    import uvicorn

    from navm.runtime.jobs.database import database_url, open_database, redact
    from navm.runtime.service.app import create_app
    from navm.runtime.service.settings import Settings

    if executor not in ("local", "ray"):
        raise NavmError(f"--executor {executor}: use local or ray")
    if workers < 1:
        raise NavmError("--workers must be 1 or more")
    url = database_url(data, db)
    open_database(url).dispose()  # a bad URL or an unwritable folder is an error here, before the server starts
    health = lattice.settings()
    if health.nodes is not None or health.table is not None:  # a bad lattice is an error before the server starts
        from navm.runtime.service.health import watched_lattice

        watched_lattice(health)
    settings = Settings(url, workers=workers, executor=executor, ray_address=ray_address, time_limit_s=time_limit,
                        memory_limit_mb=memory_limit, max_body_bytes=max_body, health=health)
    out_console.print(f"navm serve: http://{host}:{port} (database {redact(url)}, {workers} {executor} workers); "
                      f"API docs at /docs", markup=False)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning", timeout_graceful_shutdown=5)


@keys_app.command("create")
def keys_create(tenant: str = typer.Option(..., "--tenant", help="The tenant the key acts for (created if new)."),
                scopes: str = typer.Option("submit,read", "--scopes", help="Comma-separated: submit, read, admin."),
                data: Optional[str] = typer.Option(None, "--data", help=DATA_HELP),
                db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
                json_output: bool = typer.Option(False, "--json", help='Print {"key": …, "tenant": …, "scopes": …}.')
                ) -> None:
    """Create an API key and print it, once: only its hash is kept."""
    from navm.runtime.jobs.tenants import check_tenant_name, create_key, parse_scopes

    check_tenant_name(tenant)
    wanted = parse_scopes(scopes)
    key = create_key(_db(data, db), tenant, wanted)
    if json_output:
        print(json.dumps({"key": key, "tenant": tenant, "scopes": sorted(wanted)}))
    else:
        print(key)  # alone on stdout, so that KEY=$(navm keys create …) takes just the key
        err_console.print(f"(tenant {tenant}, scopes {','.join(sorted(wanted))}; the key is shown only now)",
                          markup=False, style="dim")


@keys_app.command("revoke")
def keys_revoke(key_id: str = typer.Argument(..., help="The key, or its id (the part after navm_)."),
                data: Optional[str] = typer.Option(None, "--data", help=DATA_HELP),
                db: Optional[str] = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Revoke a key (servers stop taking it within seconds)."""
    from navm.runtime.jobs.tenants import KEY_PREFIX, revoke_key

    ident = key_id[len(KEY_PREFIX):].partition("_")[0] if key_id.startswith(KEY_PREFIX) else key_id
    if not revoke_key(_db(data, db), ident):
        raise NavmError(f"no key {ident}")
    out_console.print(f"revoked key {ident}", markup=False)


@tenants_app.command("set")
def tenants_set(tenant: str = typer.Argument(...),
                max_running: Optional[int] = typer.Option(None, "--max-running"),
                max_queued: Optional[int] = typer.Option(None, "--max-queued"),
                shots_per_day: Optional[int] = typer.Option(None, "--shots-per-day"),
                max_qubits: Optional[int] = typer.Option(None, "--max-qubits"),
                rate: Optional[float] = typer.Option(None, "--rate", help="Requests per second."),
                burst: Optional[int] = typer.Option(None, "--burst", help="Requests in a burst."),
                data: Optional[str] = typer.Option(None, "--data", help=DATA_HELP),
                db: Optional[str] = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Set a tenant's quotas (created with the defaults if new) and print them."""
    from dataclasses import asdict

    from navm.runtime.jobs.tenants import check_tenant_name, set_quotas

    check_tenant_name(tenant, "tenant")
    changes = {k: v for k, v in {"max_running": max_running, "max_queued": max_queued, "shots_per_day": shots_per_day,
                                 "max_qubits": max_qubits, "rate_per_s": rate, "burst": burst}.items() if v is not None}
    print(json.dumps({"tenant": tenant, **asdict(set_quotas(_db(data, db), tenant, **changes))}))
