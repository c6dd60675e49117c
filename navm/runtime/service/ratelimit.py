"""Request rate limits per tenant: a token bucket (rate per second, burst) in the server's memory.
Every answer carries RateLimit-Limit / RateLimit-Remaining / RateLimit-Reset; an empty bucket is 429
with Retry-After."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    stamp: float


class RateLimiter:
    def __init__(self):
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def take(self, tenant: str, rate: float, burst: int) -> tuple[bool, dict[str, str]]:
        """(allowed, headers) for one request of `tenant`."""
        now = time.monotonic()
        with self._lock:
            b = self._buckets.get(tenant)
            if b is None:
                b = self._buckets[tenant] = _Bucket(float(burst), now)
            b.tokens = min(float(burst), b.tokens + (now - b.stamp) * rate)
            b.stamp = now
            allowed = b.tokens >= 1.0
            if allowed:
                b.tokens -= 1.0
            remaining = int(b.tokens)
            wait = 0.0 if allowed else (1.0 - b.tokens) / rate if rate > 0 else 3600.0
            reset = math.ceil((burst - b.tokens) / rate) if rate > 0 else 3600
        headers = {"RateLimit-Limit": str(burst), "RateLimit-Remaining": str(remaining),
                   "RateLimit-Reset": str(reset)}
        if not allowed:
            headers["Retry-After"] = str(max(1, math.ceil(wait)))
        return allowed, headers
