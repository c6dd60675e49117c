"""`navm submit`, `jobs`, `job`, `result`, `cancel`, `watch`: the job service from the command line,
through navm.client. The server and key come from --server/--key, then NAVM_SERVER/NAVM_API_KEY,
then the config file (docs/client.md)."""

from __future__ import annotations

import json
from contextlib import contextmanager
from typing import Iterator

from navm.commands.console import out_console
from navm.diagnostics import NavmError

TERMINAL = ("COMPLETED", "FAILED", "CANCELLED")


@contextmanager
def client(server: str | None, key: str | None) -> Iterator:
    """A client whose failures read as navm's errors (exit 2): the service's problem, or no answer."""
    import httpx

    from navm.client import Client, ServiceError

    try:
        c = Client(server, key)
    except ValueError as err:
        raise NavmError(str(err)) from None
    if not c.key:
        raise NavmError("no API key: pass --key, set NAVM_API_KEY, or write key = \"…\" in the config file",
                        notes=("`navm keys create --tenant NAME` makes one",))
    try:
        yield c
    except ServiceError as err:
        diag = err.problem.get("diagnostic") or (err.problem.get("failure") or {}).get("diagnostic")
        if diag and diag.get("rendered"):
            raise NavmError(diag["message"], notes=(f"the server answered {err.kind} ({err.status})",),
                            source_text=None) from None
        raise NavmError(f"{err.detail}", notes=(f"the server answered {err.kind} ({err.status})",)) from None
    except httpx.TransportError as err:
        raise NavmError(f"cannot reach the job service at {c.url}: {err}",
                        notes=("start one with `navm serve`, or pass --server URL",)) from None
    except TimeoutError as err:
        raise NavmError(f"{err}", notes=("the job goes on; `navm watch ID` or `navm job ID` follow it",)) from None
    finally:
        c.close()


def print_json(value) -> None:
    print(json.dumps(value, indent=2))


def submit(file: str, server, key, target: str, backend: str, shots: int, seed: int, noise: str,
           tags: list[str], wait: bool, json_output: bool, timeout: float | None) -> None:
    from pathlib import Path

    from navm.client import program_body
    from navm.frontend.kirin import is_kernel_spec

    if is_kernel_spec(file):  # module.py:kernel: lowered here, sent as OpenQASM 2
        from navm.frontend.kirin.kernel_file import kernel_from_file

        body = program_body(kernel_from_file(file))
    else:
        try:
            body = program_body(Path(file))
        except FileNotFoundError:
            raise NavmError(f"{file}: no such file") from None
        except IsADirectoryError:
            raise NavmError(f"{file} is a directory, not a program") from None
        except UnicodeDecodeError:
            raise NavmError(f"{file}: not UTF-8 text") from None
        except ValueError:
            raise NavmError(f"{file}: cannot tell the language from the file name; use .qbc, .sigma.json, .qasm, "
                            "or module.py:kernel for a bloqade kernel") from None
    with client(server, key) as c:
        job = c.submit(body["source"], format=body["format"], filename=body["filename"], target=target,
                       backend=backend, shots=shots, seed=seed, noise=noise, tags=tags)
        if not wait:
            print_json(job) if json_output else out_console.print(f"{job['id']} {job['state']}", markup=False)
            return
        job = c.wait(job["id"], timeout=timeout)
        _finish(c, job, json_output)


def _finish(c, job: dict, json_output: bool) -> None:
    if job["state"] == "FAILED":
        failure = job["failure"] or {}
        diag = failure.get("diagnostic") or {}
        if diag.get("rendered"):
            raise _RenderedError(diag["rendered"])
        raise NavmError(f"job {job['id']} failed: {failure.get('detail')}", notes=(f"failure type: {failure.get('type')}",))
    if job["state"] == "CANCELLED":
        raise NavmError(f"job {job['id']} was cancelled")
    result = c.result(job["id"])
    if json_output:
        print_json(result)
        return
    from rich.table import Table

    table = Table(title=f"{job['id']}: {result['shots']:,} shots on {result['backend']} (device {result['device']})")
    table.add_column("bits")
    table.add_column("count", justify="right")
    for bits, n in sorted(result["counts"].items(), key=lambda kv: -kv[1])[:32]:
        table.add_row(bits, f"{n:,}")
    out_console.print(table)


class _RenderedError(NavmError):
    """A diagnostic the service already rendered (file:line:col, the line, the caret)."""

    def __init__(self, rendered: str):
        super().__init__(rendered.split("\n", 1)[0])
        self._rendered = rendered

    def render(self) -> str:
        return self._rendered


def jobs(server, key, state, tag, limit: int, json_output: bool) -> None:
    from itertools import islice

    with client(server, key) as c:
        rows = list(islice(c.jobs(state=state, tag=tag, page_size=min(limit, 500)), limit))
    if json_output:
        print_json(rows)
        return
    from rich.table import Table

    table = Table()
    for col in ("id", "state", "file", "target", "backend", "shots", "created"):
        table.add_column(col, no_wrap=col in ("id", "state", "created"))
    for j in rows:
        table.add_row(j["id"], j["state"], j["filename"], j["target"], j["backend"], f"{j['shots']:,}", j["created_at"])
    out_console.print(table)


def job(server, key, job_id: str) -> None:
    with client(server, key) as c:
        print_json(c.get(job_id))


def result(server, key, job_id: str) -> None:
    with client(server, key) as c:
        print_json(c.result(job_id))


def cancel(server, key, job_id: str) -> None:
    with client(server, key) as c:
        j = c.cancel(job_id)
    out_console.print(f"{j['id']} {j['state']}", markup=False)


def watch(server, key, job_id: str, json_output: bool) -> None:
    """Follow the event stream: a progress bar (or the events as JSON lines)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with client(server, key) as c:
        if json_output:
            for ev in c.events(job_id):
                print(json.dumps(ev))
            return
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=out_console) as bar:
            task = bar.add_task(job_id, total=None)
            for ev in c.events(job_id):
                data = ev["data"]
                if ev["event"] == "progress":
                    bar.update(task, completed=data["done"], total=data["total"])
                elif ev["event"] == "state":
                    bar.update(task, description=f"{job_id} {data['state']}")
                elif ev["event"] == "log":
                    bar.console.print(data["line"], markup=False, style="dim")
        final = c.get(job_id)
    out_console.print(f"{job_id} {final['state']}", markup=False)
    if final["state"] == "FAILED":
        raise NavmError(f"job {job_id} failed: {final['failure']['detail']}")
