"""Job states and the transitions between them (docs/service.md, "Job states").

CREATED → QUEUED → COMPILING → RUNNING → COMPLETED | FAILED, and CANCELLING → CANCELLED. A job of an
open batch waits in CREATED until the batch is closed. A worker's job that ends without a verdict
(the worker died, the server was killed) goes back to QUEUED with one more attempt, or to FAILED past
the attempt limit.
"""

from __future__ import annotations

CREATED, QUEUED, COMPILING, RUNNING = "CREATED", "QUEUED", "COMPILING", "RUNNING"
COMPLETED, FAILED, CANCELLING, CANCELLED = "COMPLETED", "FAILED", "CANCELLING", "CANCELLED"

STATES = (CREATED, QUEUED, COMPILING, RUNNING, COMPLETED, FAILED, CANCELLING, CANCELLED)
TERMINAL = frozenset({COMPLETED, FAILED, CANCELLED})
ACTIVE = frozenset({COMPILING, RUNNING})
"""States in which a worker holds the job."""

TRANSITIONS: dict[str, frozenset[str]] = {
    CREATED: frozenset({QUEUED, CANCELLED}),
    QUEUED: frozenset({COMPILING, CANCELLED}),
    COMPILING: frozenset({RUNNING, COMPLETED, FAILED, CANCELLING, QUEUED}),
    RUNNING: frozenset({COMPLETED, FAILED, CANCELLING, QUEUED}),
    CANCELLING: frozenset({CANCELLED, COMPLETED, FAILED}),
    COMPLETED: frozenset(),
    FAILED: frozenset({QUEUED}),  # a batch's failed jobs can be rerun
    CANCELLED: frozenset(),
}


def can_move(old: str, new: str) -> bool:
    return new in TRANSITIONS[old]
