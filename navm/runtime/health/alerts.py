"""When a node raises an alert, and when it clears (docs/health.md, "Alerts").

A node alerts once when its W fidelity falls below `threshold` (kind "threshold"), or below its
baseline by more than `drop` (kind "drop"); the baseline is the node's exponential moving average
over earlier heartbeats (weight `alpha`), used once `warmup` heartbeats have set it, and frozen
while the node is alerting, so that a node that stays low does not become its own new normal. An
alert clears when the node is back at or above the threshold and within half the drop of its
baseline.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class AlertRules:
    threshold: float = 0.9
    drop: float = 0.05
    alpha: float = 0.2
    warmup: int = 3


@dataclass
class Decision:
    opened: np.ndarray  # node rows that start alerting now
    kinds: np.ndarray  # "threshold" or "drop", per opened row
    cleared: np.ndarray  # node rows whose alert clears now
    baseline: np.ndarray  # the baseline after this heartbeat, per row (NaN: none yet)


def decide(fidelity: np.ndarray, baseline: np.ndarray, heartbeats: int, alerting: np.ndarray,
           rules: AlertRules) -> Decision:
    """`fidelity` and `baseline` per node row (NaN: no triangle / no baseline yet); `alerting` the
    rows with an open alert; `heartbeats` how many heartbeats set the baseline so far."""
    has = np.isfinite(fidelity)
    warm = heartbeats >= rules.warmup
    low = has & (fidelity < rules.threshold)
    fell = has & warm & np.isfinite(baseline) & (baseline - fidelity > rules.drop)
    bad = low | fell
    open_now = bad & ~alerting
    recovered = alerting & has & (fidelity >= rules.threshold) & \
        ~(warm & np.isfinite(baseline) & (baseline - fidelity > rules.drop / 2))
    new_baseline = baseline.copy()
    update = has & ~(alerting & ~recovered) & ~open_now
    first = update & ~np.isfinite(baseline)
    new_baseline[first] = fidelity[first]
    blend = update & np.isfinite(baseline)
    new_baseline[blend] = (1 - rules.alpha) * baseline[blend] + rules.alpha * fidelity[blend]
    rows = np.flatnonzero(open_now)
    return Decision(rows, np.where(low[rows], "threshold", "drop"), np.flatnonzero(recovered), new_baseline)
