"""Real parts for the service's tests: databases (a SQLite file; a PostgreSQL database of its own on
the server scripts/postgres.sh starts, named by NAVM_TEST_POSTGRES) and `navm serve` started as a
real process on a free loopback port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
NAVM = [sys.executable, "-m", "navm"]


def postgres_admin_url() -> str:
    url = os.environ.get("NAVM_TEST_POSTGRES")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("NAVM_TEST_POSTGRES is not set: ./dev test starts PostgreSQL (scripts/postgres.sh)")
        pytest.skip("no PostgreSQL: run through ./dev test, which starts one (scripts/postgres.sh)")
    return url


@contextmanager
def fresh_database(kind: str, tmp_path: Path):
    """A database URL nobody else uses: a new SQLite file, or a new PostgreSQL database (dropped after)."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'navm.db'}"
        return
    import psycopg

    admin = postgres_admin_url()
    name = f"navm_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_key(db_url: str, tenant: str = "acme", scopes: str = "submit,read") -> str:
    import json

    out = subprocess.run([*NAVM, "keys", "create", "--db", db_url, "--tenant", tenant, "--scopes", scopes, "--json"],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout)["key"]


@dataclass
class Server:
    url: str
    db_url: str
    process: subprocess.Popen
    args: tuple[str, ...]
    log: Path

    def client(self, key: str, **kwargs):
        from navm.client import Client

        return Client(self.url, key, **kwargs)

    def http(self, key: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)

    def kill(self) -> None:
        """SIGKILL, as a crash would: no shutdown code runs."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


def start_server(db_url: str, log: Path, *extra: str, port: int | None = None, timeout_s: float = 60.0) -> Server:
    port = port or free_port()
    args = ("serve", "--host", "127.0.0.1", "--port", str(port), "--db", db_url, *extra)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    handle = log.open("ab")
    proc = subprocess.Popen([*NAVM, *args], stdout=handle, stderr=subprocess.STDOUT, cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"navm serve exited with {proc.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return Server(url, db_url, proc, args, log)
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"navm serve did not become ready in {timeout_s} s:\n{log.read_text()}")


def wait_for(predicate, timeout_s: float = 60.0, every_s: float = 0.1):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every_s)
    raise AssertionError(f"not true within {timeout_s} s")
