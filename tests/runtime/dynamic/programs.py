"""The examples and small programs the dynamic-circuit tests run."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
TELEPORT = ROOT / "examples" / "qbc" / "teleport.qbc"
RUS = ROOT / "examples" / "qbc" / "repeat_until_success.qbc"
RUS_MAX_TRIES = 8


def teleport_with(theta: float) -> str:
    """teleport.qbc's text with another state to send."""
    text = TELEPORT.read_text()
    assert ".define THETA 1.1 " in text
    return text.replace(".define THETA 1.1 ", f".define THETA {theta!r} ")


def rus_expected(max_tries: int = RUS_MAX_TRIES) -> dict[str, float]:
    """Success at attempt k: k-1 zeros, then 1 (herald) and 1 (target); all fail: max_tries + 1 zeros."""
    out = {"0" * (k - 1) + "11": 0.5**k for k in range(1, max_tries + 1)}
    out["0" * (max_tries + 1)] = 0.5**max_tries
    return out


def qbc(body: str) -> str:
    """A small ISA 1.0 program: three declared atoms, then `body`."""
    return ".isa 1.0\n QLOC q0, 0.0, 0.0\n QLOC q1, 5.0, 0.0\n QLOC q2, 10.0, 0.0\n" + body + "\n"
