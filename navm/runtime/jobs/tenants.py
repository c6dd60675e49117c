"""Tenants, their quotas and their API keys.

A key is `navm_<id>_<secret>`: the id finds the row, the secret (32 random bytes) is checked against
the SHA-256 stored there. A plain hash suffices for random secrets of this length (no dictionary to
try); the key itself is printed once and never stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from sqlalchemy import insert, select, update

from navm.diagnostics import NavmError
from navm.runtime.jobs.database import Database
from navm.runtime.jobs.schema import api_keys, tenants

SCOPES = ("submit", "read", "admin")
KEY_PREFIX = "navm_"
TENANT_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")

DEFAULT_QUOTAS = {
    "max_running": 4,
    "max_queued": 1000,
    "shots_per_day": 100_000_000,
    "max_qubits": 64,
    "rate_per_s": 50.0,
    "burst": 200,
}
"""A new tenant's quotas (docs/service.md, "Quotas"); `navm tenants set` changes them."""


@dataclass(frozen=True)
class Quotas:
    max_running: int
    max_queued: int
    shots_per_day: int
    max_qubits: int
    rate_per_s: float
    burst: int

    @classmethod
    def of_row(cls, row) -> "Quotas":
        return cls(**{k: row[k] for k in DEFAULT_QUOTAS})


@dataclass(frozen=True)
class Principal:
    """Who a request comes from: the key's id, its tenant and scopes."""

    key_id: str
    tenant: str
    scopes: frozenset[str]


def check_tenant_name(name: str, what: str = "--tenant") -> str:
    if not name or len(name) > 64 or set(name) - TENANT_NAME_CHARS:
        raise NavmError(f"{what} {name!r}: use 1 to 64 letters, digits, '-', '_' or '.'")
    return name


def parse_scopes(text: str) -> frozenset[str]:
    scopes = frozenset(s.strip() for s in text.split(",") if s.strip())
    bad = sorted(scopes - set(SCOPES))
    if bad or not scopes:
        raise NavmError(f"--scopes {text}: " + (f"unknown scope {bad[0]!r}" if bad else "name at least one scope"),
                        notes=(f"scopes: {', '.join(SCOPES)}",))
    return scopes


def ensure_tenant(db: Database, name: str) -> None:
    """Create the tenant with the default quotas unless it exists."""
    check_tenant_name(name)
    with db.write() as conn:
        if conn.execute(select(tenants.c.name).where(tenants.c.name == name)).first() is None:
            conn.execute(insert(tenants).values(name=name, created_at=time.time(), **DEFAULT_QUOTAS))


def set_quotas(db: Database, name: str, **changes) -> Quotas:
    unknown = set(changes) - set(DEFAULT_QUOTAS)
    if unknown:
        raise NavmError(f"unknown quota {sorted(unknown)[0]!r}")
    for key, value in changes.items():
        if value is None or value < 0:
            raise NavmError(f"--{key.replace('_', '-')} must be 0 or more")
    ensure_tenant(db, name)
    with db.write() as conn:
        if changes:
            conn.execute(update(tenants).where(tenants.c.name == name).values(**changes))
    return quotas(db, name)


def quotas(db: Database, name: str) -> Quotas:
    with db.read() as conn:
        row = conn.execute(select(tenants).where(tenants.c.name == name)).mappings().first()
    if row is None:
        raise NavmError(f"no tenant {name!r}")
    return Quotas.of_row(row)


def create_key(db: Database, tenant: str, scopes: frozenset[str]) -> str:
    """A new key for `tenant` (created if need be); only its hash is stored."""
    ensure_tenant(db, tenant)
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    with db.write() as conn:
        conn.execute(insert(api_keys).values(id=key_id, tenant=tenant, scopes=",".join(sorted(scopes)),
                                             hash=_hash(secret), created_at=time.time(), revoked=False))
    return f"{KEY_PREFIX}{key_id}_{secret}"


def revoke_key(db: Database, key_id: str) -> bool:
    with db.write() as conn:
        return conn.execute(update(api_keys).where(api_keys.c.id == key_id).values(revoked=True)).rowcount > 0


def authenticate(db: Database, key: str) -> Principal | None:
    """The principal of a presented key, or None for a malformed, unknown, revoked or wrong one."""
    if not key.startswith(KEY_PREFIX):
        return None
    key_id, _, secret = key[len(KEY_PREFIX):].partition("_")
    if not key_id or not secret:
        return None
    with db.read() as conn:
        row = conn.execute(select(api_keys).where(api_keys.c.id == key_id)).mappings().first()
    if row is None or row["revoked"] or not hmac.compare_digest(row["hash"], _hash(secret)):
        return None
    return Principal(key_id, row["tenant"], frozenset(row["scopes"].split(",")))


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
