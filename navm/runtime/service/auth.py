"""Bearer keys: every endpoint but the health checks needs `Authorization: Bearer <key>` with the
scope it names (submit, read, admin; admin implies the others). Lookups are cached for a few seconds
(`Settings.auth_cache_s`), which is how long a revoked key may still work. Each authenticated request
also takes a token from its tenant's rate-limit bucket."""

from __future__ import annotations

import time

from fastapi import Request

from navm.runtime.jobs.tenants import Principal, Quotas, authenticate, quotas
from navm.runtime.service.problems import Problem


class Authenticator:
    def __init__(self, state):
        self.state = state
        self._cache: dict[str, tuple[float, Principal | None, Quotas | None]] = {}

    def lookup(self, key: str) -> tuple[Principal | None, Quotas | None]:
        now = time.monotonic()
        hit = self._cache.get(key)
        if hit is not None and now - hit[0] < self.state.settings.auth_cache_s:
            return hit[1], hit[2]
        who = authenticate(self.state.db, key)
        limits = quotas(self.state.db, who.tenant) if who else None
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[key] = (now, who, limits)
        return who, limits


def require(scope: str):
    """A FastAPI dependency: the request's principal, which must hold `scope`."""

    def dependency(request: Request) -> Principal:
        state = request.app.state.navm
        header = request.headers.get("authorization", "")
        kind, _, key = header.partition(" ")
        if kind.lower() != "bearer" or not key.strip():
            raise Problem(401, "unauthorized", "send an API key: Authorization: Bearer <key> (navm keys create)",
                          headers={"WWW-Authenticate": "Bearer"})
        who, limits = state.auth.lookup(key.strip())
        if who is None:
            raise Problem(401, "unauthorized", "the API key is not valid (unknown, revoked or mistyped)",
                          headers={"WWW-Authenticate": "Bearer error=\"invalid_token\""})
        if scope not in who.scopes and "admin" not in who.scopes:
            raise Problem(403, "forbidden", f"the key lacks the '{scope}' scope",
                          required_scope=scope, scopes=sorted(who.scopes))
        allowed, headers = state.limiter.take(who.tenant, limits.rate_per_s, limits.burst)
        request.state.rate_headers = headers
        if not allowed:
            raise Problem(429, "rate-limited", f"too many requests: the tenant may make {limits.rate_per_s:g} per "
                          f"second (bursts of {limits.burst})", headers=headers)
        request.state.quotas = limits
        return who

    return dependency
