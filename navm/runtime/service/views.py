"""How jobs, batches and events read in the API's JSON."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from navm.runtime.jobs.store import queue_position


def rfc3339(t: float | None) -> str | None:
    if t is None:
        return None
    return datetime.fromtimestamp(t, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_time(text: str | None, name: str) -> float | None:
    from navm.runtime.service.problems import Problem

    if text is None or text == "":
        return None
    try:
        return float(text)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise Problem(422, "validation-error", f"{name}: not a time (RFC 3339, such as 2026-12-07T12:00:00Z, "
                      "or seconds since the epoch)", errors=[{"field": name, "message": "not a time"}]) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def job_json(db, job: dict, *, position: bool = True) -> dict:
    jid = job["id"]
    return {
        "id": jid, "state": job["state"], "batch_id": job["batch_id"], "format": job["format"],
        "filename": job["filename"], "target": job["target"], "backend": job["backend"], "shots": job["shots"],
        "seed": job["seed"], "noise": job["noise"], "options": job["options"], "tags": job["tags"],
        "created_at": rfc3339(job["created_at"]), "updated_at": rfc3339(job["updated_at"]),
        "started_at": rfc3339(job["started_at"]), "finished_at": rfc3339(job["finished_at"]),
        "attempts": job["attempts"], "progress": {"done": job["progress_done"], "total": job["progress_total"]},
        "queue_position": queue_position(db, job) if position else None,
        "failure": job["failure"],
        "links": {"self": f"/v1/jobs/{jid}", "result": f"/v1/jobs/{jid}/result",
                  "events": f"/v1/jobs/{jid}/events", "artifacts": f"/v1/jobs/{jid}/artifacts"},
    }


def sse(event: dict) -> str:
    """One server-sent event: its id (for Last-Event-ID), its type, its data as JSON."""
    data = {"job_id": event["job_id"], "time": rfc3339(event["created_at"]), **event["data"]}
    return f"id: {event['id']}\nevent: {event['type']}\ndata: {json.dumps(data)}\n\n"
