"""The Python client of the job service (docs/client.md).

    from navm.client import Client
    client = Client("http://127.0.0.1:8000", key)      # or NAVM_SERVER / NAVM_API_KEY / the config file
    job = client.submit("examples/ghz.qbc", shots=1000, seed=1)
    client.wait(job["id"]); client.result(job["id"])["counts"]

Only idempotent calls are retried (reads, cancel, and submits, which always carry an
Idempotency-Key: one made up per call unless given), on connection errors and 429/502/503/504, with
exponential backoff and jitter, honouring Retry-After. Errors from the service are `ServiceError`
with the problem's `type`, `status`, `detail` and the whole body. A bloqade/Kirin kernel is lowered
here, by navm's Kirin front end, and sent as OpenQASM 2.
"""

from __future__ import annotations

import json
import os
import random
import time
import uuid
from pathlib import Path
from typing import Iterator

import httpx

CONFIG_ENV = "NAVM_CONFIG"
SERVER_ENV = "NAVM_SERVER"
KEY_ENV = "NAVM_API_KEY"
DEFAULT_SERVER = "http://127.0.0.1:8000"
RETRY_STATUS = frozenset({429, 502, 503, 504})
FORMATS = {".qbc": "qbc", ".qasm": "qasm2", ".sigma.json": "sigma", ".sigma": "sigma"}


class ServiceError(Exception):
    """An answer of the service that is not a success: its problem details."""

    def __init__(self, status: int, problem: dict):
        self.status, self.problem = status, problem
        self.type = problem.get("type", "about:blank")
        self.kind = self.type.rsplit(":", 1)[-1]
        self.detail = problem.get("detail") or problem.get("title") or f"HTTP {status}"
        super().__init__(f"{self.detail} ({self.kind}, HTTP {status})")


def config_path() -> Path:
    return Path(os.environ.get(CONFIG_ENV) or Path.home() / ".config" / "navm" / "client.toml")


def load_config() -> dict:
    """The config file's `server` and `key` (TOML), if it exists."""
    import tomllib

    path = config_path()
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise ValueError(f"{path}: cannot read the client configuration: {err}") from None


def resolve(server: str | None, key: str | None) -> tuple[str, str | None]:
    """Server and key: given ones first, then the environment, then the config file."""
    cfg = None
    if server is None:
        server = os.environ.get(SERVER_ENV)
        if server is None:
            cfg = load_config()
            server = cfg.get("server", DEFAULT_SERVER)
    if key is None:
        key = os.environ.get(KEY_ENV)
        if key is None:
            cfg = load_config() if cfg is None else cfg
            key = cfg.get("key")
    return server.rstrip("/"), key.strip() if key else key


def program_body(program, format: str | None = None, filename: str | None = None) -> dict:
    """{format, source, filename} of a file path, of source text (with `format`), or of a Kirin kernel."""
    if hasattr(program, "arg_types") or type(program).__name__ == "Method":  # a Kirin/bloqade kernel
        from navm.backends.qasm2.emit import module_to_qasm2
        from navm.frontend.kirin import load_kernel

        name = getattr(program, "sym_name", None) or "kernel"
        return {"format": "qasm2", "source": module_to_qasm2(load_kernel(program), noise="error"),
                "filename": filename or f"{name}.qasm"}
    if isinstance(program, Path) or (format is None and isinstance(program, str) and "\n" not in program):
        path = Path(program)
        fmt = format or next((f for suffix, f in FORMATS.items() if path.name.lower().endswith(suffix)), None)
        if fmt is None:
            raise ValueError(f"{path}: cannot tell the language from the name; pass format= (qbc, sigma, qasm2)")
        return {"format": fmt, "source": path.read_text("utf-8"), "filename": filename or path.name}
    if format is None:
        raise ValueError("source text needs format= (qbc, sigma or qasm2)")
    return {"format": format, "source": str(program), "filename": filename}


class Client:
    def __init__(self, url: str | None = None, key: str | None = None, *, timeout: float = 30.0,
                 retries: int = 4, backoff_s: float = 0.25, transport: httpx.BaseTransport | None = None):
        self.url, self.key = resolve(url, key)
        self.retries, self.backoff_s = retries, backoff_s
        headers = {"User-Agent": "navm-client"}
        if self.key:
            headers["Authorization"] = f"Bearer {self.key}"
        self._http = httpx.Client(base_url=self.url, timeout=timeout, headers=headers, transport=transport)

    def close(self) -> None:
        self._http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- plumbing
    def _request(self, method: str, path: str, *, idempotent: bool, **kwargs) -> httpx.Response:
        attempt = 0
        while True:
            try:
                response = self._http.request(method, path, **kwargs)
            except httpx.TransportError:
                if not idempotent or attempt >= self.retries:
                    raise
                self._sleep(attempt, None)
                attempt += 1
                continue
            if response.status_code in RETRY_STATUS and idempotent and attempt < self.retries \
                    and not _is_quota(response):  # a quota does not refill in seconds: say so at once
                self._sleep(attempt, response.headers.get("Retry-After"))
                attempt += 1
                continue
            if response.status_code >= 400:
                try:
                    problem = response.json()
                except ValueError:
                    problem = {"detail": response.text[:500]}
                raise ServiceError(response.status_code, problem)
            return response

    def _sleep(self, attempt: int, retry_after: str | None) -> None:
        delay = self.backoff_s * 2**attempt * (0.5 + random.random())
        if retry_after and retry_after.isdigit():
            delay = max(delay, float(retry_after))
        time.sleep(min(delay, 30.0))

    # -- jobs
    def submit(self, program, *, format: str | None = None, filename: str | None = None, target: str = "zoned",
               backend: str = "statevector", shots: int = 1024, seed: int = 0, noise: str = "program",
               options: dict | None = None, tags: list[str] | tuple[str, ...] = (),
               idempotency_key: str | None = None) -> dict:
        """Submit a file path, source text (with `format`) or a Kirin kernel; the job (id, state, …)."""
        body = self._job_body(program, format=format, filename=filename, target=target, backend=backend,
                              shots=shots, seed=seed, noise=noise, options=options, tags=tags)
        key = idempotency_key or str(uuid.uuid4())
        return self._request("POST", "/v1/jobs", json=body, headers={"Idempotency-Key": key}, idempotent=True).json()

    def validate(self, program, *, format: str | None = None, filename: str | None = None, target: str = "zoned",
                 backend: str = "statevector", noise: str = "program", options: dict | None = None) -> dict:
        body = self._job_body(program, format=format, filename=filename, target=target, backend=backend, shots=0,
                              noise=noise, options=options)
        return self._request("POST", "/v1/jobs:validate", json=body, idempotent=True).json()

    @staticmethod
    def _job_body(program, *, format: str | None = None, filename: str | None = None, target: str = "zoned",
                  backend: str = "statevector", shots: int = 1024, seed: int = 0, noise: str = "program",
                  options: dict | None = None, tags=()) -> dict:
        """A JobRequest body; `submit`'s keywords, which `add_to_batch` takes too."""
        body = program_body(program, format, filename)
        if body.get("filename") is None:
            body.pop("filename")
        body.update(target=target, backend=backend, shots=shots, seed=seed, noise=noise, options=options or {},
                    tags=list(tags))
        return body

    def get(self, job_id: str) -> dict:
        return self._request("GET", f"/v1/jobs/{job_id}", idempotent=True).json()

    def jobs(self, *, state: str | None = None, tag: str | None = None, batch_id: str | None = None,
             since: str | None = None, until: str | None = None, page_size: int = 100) -> Iterator[dict]:
        """Every matching job, newest first, page after page."""
        params = {k: v for k, v in {"state": state, "tag": tag, "batch_id": batch_id, "since": since,
                                    "until": until, "limit": page_size}.items() if v is not None}
        while True:
            page = self._request("GET", "/v1/jobs", params=params, idempotent=True).json()
            yield from page["jobs"]
            if not page["next_cursor"]:
                return
            params["cursor"] = page["next_cursor"]

    def wait(self, job_id: str, *, timeout: float | None = None, poll_s: float = 0.2, max_poll_s: float = 5.0) -> dict:
        """Poll until the job ends (COMPLETED, FAILED, CANCELLED); TimeoutError past `timeout` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        delay = poll_s
        while True:
            job = self.get(job_id)
            if job["state"] in ("COMPLETED", "FAILED", "CANCELLED"):
                return job
            if deadline is not None and time.monotonic() + delay > deadline:
                raise TimeoutError(f"job {job_id} is still {job['state']} after {timeout} s")
            time.sleep(delay * (0.8 + 0.4 * random.random()))
            delay = min(delay * 1.5, max_poll_s)

    def result(self, job_id: str) -> dict:
        return self._request("GET", f"/v1/jobs/{job_id}/result", idempotent=True).json()

    def cancel(self, job_id: str) -> dict:
        return self._request("POST", f"/v1/jobs/{job_id}:cancel", idempotent=True).json()

    def artifacts(self, job_id: str) -> list[dict]:
        return self._request("GET", f"/v1/jobs/{job_id}/artifacts", idempotent=True).json()["artifacts"]

    def download(self, job_id: str, name: str, path: str | Path | None = None) -> bytes | Path:
        """An artifact: streamed to `path` if given (returned), else its bytes."""
        with self._http.stream("GET", f"/v1/jobs/{job_id}/artifacts/{name}") as response:
            if response.status_code >= 400:
                response.read()
                raise ServiceError(response.status_code, response.json())
            if path is None:
                return response.read()
            out = Path(path)
            with out.open("wb") as f:
                for chunk in response.iter_bytes():
                    f.write(chunk)
            return out

    def events(self, job_id: str, *, last_event_id: int | None = None, reconnects: int = 10) -> Iterator[dict]:
        """The job's events ({id, event, data}) until it ends; a dropped stream is resumed after the last
        event seen (Last-Event-ID), so none is lost or repeated."""
        last, tries = last_event_id, 0
        while True:
            headers = {"Last-Event-ID": str(last)} if last is not None else {}
            try:
                with self._http.stream("GET", f"/v1/jobs/{job_id}/events", headers=headers,
                                       timeout=httpx.Timeout(30.0, read=None)) as response:
                    if response.status_code >= 400:
                        response.read()
                        raise ServiceError(response.status_code, response.json())
                    for event in parse_sse(response.iter_lines()):
                        last, tries = event["id"], 0
                        yield event
                        if event["event"] == "state" and event["data"].get("state") in ("COMPLETED", "FAILED",
                                                                                        "CANCELLED"):
                            return
                return
            except httpx.TransportError:
                if tries >= reconnects:
                    raise
                tries += 1
                self._sleep(tries, None)

    # -- batches, targets, usage
    def create_batch(self, jobs: list[dict] = (), *, open: bool = False, tags: list[str] = ()) -> dict:
        return self._request("POST", "/v1/batches", json={"jobs": list(jobs), "open": open, "tags": list(tags)},
                             idempotent=False).json()

    def add_to_batch(self, batch_id: str, program, **kwargs) -> dict:
        body = self._job_body(program, **kwargs)
        return self._request("POST", f"/v1/batches/{batch_id}/jobs", json=body,
                             headers={"Idempotency-Key": str(uuid.uuid4())}, idempotent=True).json()

    def close_batch(self, batch_id: str) -> dict:
        return self._request("POST", f"/v1/batches/{batch_id}:close", idempotent=True).json()

    def batch(self, batch_id: str) -> dict:
        return self._request("GET", f"/v1/batches/{batch_id}", idempotent=True).json()

    def rerun_failed(self, batch_id: str) -> dict:
        return self._request("POST", f"/v1/batches/{batch_id}:rerun", idempotent=False).json()

    def targets(self) -> list[dict]:
        return self._request("GET", "/v1/targets", idempotent=True).json()["targets"]

    def usage(self, since: str | None = None, until: str | None = None) -> dict:
        params = {k: v for k, v in {"since": since, "until": until}.items() if v is not None}
        return self._request("GET", "/v1/usage", params=params, idempotent=True).json()


def _is_quota(response: httpx.Response) -> bool:
    return response.status_code == 429 and "quota-exceeded" in response.text


def parse_sse(lines) -> Iterator[dict]:
    """Server-sent events ({id, event, data}) from the lines of a text/event-stream."""
    event: dict = {}
    for line in lines:
        if not line:
            if "data" in event:
                yield {"id": int(event.get("id", 0)), "event": event.get("event", "message"),
                       "data": json.loads(event["data"])}
            event = {}
        elif line.startswith(":"):
            continue
        else:
            field, _, value = line.partition(":")
            event[field] = value[1:] if value.startswith(" ") else value
