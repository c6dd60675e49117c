"""The HTTP API v1 against a real `navm serve` on loopback, on SQLite and on PostgreSQL: every
endpoint, the job states, and every kind of bad input (docs/service.md)."""

from __future__ import annotations

import json
import subprocess
import time

import pytest

from tests.runtime.service_support import NAVM, ROOT, make_key, wait_for

GHZ = (ROOT / "examples" / "ghz.qbc").read_text()
BELL = (ROOT / "examples" / "qbc" / "bell.qbc").read_text()
BAD = "QH q0\nQFOO q1\n"
PROBLEM = "application/problem+json"


def job_body(source=GHZ, **kw):
    return {"format": "qbc", "source": source, "filename": kw.pop("filename", "ghz.qbc"), **kw}


def slow_body(**kw):
    """A job that runs for minutes: device noise makes the statevector run shot by shot."""
    return job_body(shots=2_000_000, noise="device", options={"checkpoint_shots": 1000}, **kw)


def problem(response, status, kind):
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["type"] == f"urn:navm:problem:{kind}", body
    assert body["status"] == status and body["detail"]
    return body


def finished(http, job_id, timeout_s=90):
    return wait_for(lambda: (j := http.get(f"/v1/jobs/{job_id}").json())["state"] in
                    ("COMPLETED", "FAILED", "CANCELLED") and j, timeout_s)


@pytest.fixture(scope="module")
def http(server, key):
    with server.http(key) as client:
        yield client


@pytest.fixture(scope="module")
def ghz_job(http):
    r = http.post("/v1/jobs", json=job_body(shots=1000, seed=1, tags=["ghz", "smoke"]))
    assert r.status_code == 202
    return finished(http, r.json()["id"])


def test_health_needs_no_key_and_metrics_an_admin_key(server, key):
    with server.http() as anon:
        assert anon.get("/healthz").json() == {"status": "ok"}
        ready = anon.get("/readyz")
        assert ready.status_code == 200 and ready.json()["checks"] == {"database": "ok", "manager": "ok"}
        problem(anon.get("/metrics"), 401, "unauthorized")
    with server.http(key) as user:
        problem(user.get("/metrics"), 403, "forbidden")
    with server.http(make_key(server.db_url, tenant="ops", scopes="admin")) as admin:
        text = admin.get("/metrics").text
    assert "navm_jobs{" in text and "navm_queue_depth" in text and "navm_http_requests_total" in text


def test_openapi_lists_the_endpoints(server):
    with server.http() as anon:
        paths = anon.get("/openapi.json").json()["paths"]
        assert anon.get("/docs").status_code == 200
    for path in ("/v1/jobs", "/v1/jobs:validate", "/v1/jobs/{job_id}", "/v1/jobs/{job_id}/result",
                 "/v1/jobs/{job_id}/events", "/v1/jobs/{job_id}/artifacts/{name}", "/v1/jobs/{job_id}:cancel",
                 "/v1/batches", "/v1/targets", "/v1/usage"):
        assert path in paths


def test_no_key_is_401(server):
    with server.http() as anon:
        r = anon.get("/v1/jobs")
        problem(r, 401, "unauthorized")
        assert r.headers["www-authenticate"].startswith("Bearer")
    with server.http("navm_0000000000000000_notakey") as wrong:
        problem(wrong.get("/v1/jobs"), 401, "unauthorized")


def test_a_missing_scope_is_403(server, read_key):
    with server.http(read_key) as reader:
        body = problem(reader.post("/v1/jobs", json=job_body()), 403, "forbidden")
        assert body["required_scope"] == "submit"
        assert reader.get("/v1/jobs").status_code == 200


def test_a_job_completes_with_navm_runs_result(http, ghz_job):
    from navm.api import run, run_result_json

    assert ghz_job["state"] == "COMPLETED" and ghz_job["attempts"] == 1 and ghz_job["failure"] is None
    assert ghz_job["progress"] == {"done": 1000, "total": 1000}
    got = http.get(f"/v1/jobs/{ghz_job['id']}/result").json()
    want = json.loads(json.dumps(run_result_json(run(str(ROOT / "examples" / "ghz.qbc"), shots=1000, seed=1))))
    assert got == want
    assert set(got["counts"]) == {"000000", "111111"}


def test_submit_answers_202_with_location(http):
    r = http.post("/v1/jobs", json=job_body(shots=10))
    assert r.status_code == 202
    job = r.json()
    assert r.headers["location"] == f"/v1/jobs/{job['id']}"
    assert job["state"] in ("QUEUED", "COMPILING", "RUNNING", "COMPLETED")
    assert job["id"].startswith("job_")


def test_an_idempotency_key_gives_the_same_job(http):
    body = job_body(shots=20, seed=3)
    first = http.post("/v1/jobs", json=body, headers={"Idempotency-Key": "k-1"})
    again = http.post("/v1/jobs", json=body, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 202
    assert first.json()["id"] == again.json()["id"]
    assert again.headers["idempotent-replayed"] == "true"
    other = http.post("/v1/jobs", json={**body, "shots": 21}, headers={"Idempotency-Key": "k-1"})
    assert problem(other, 409, "idempotency-conflict")["job_id"] == first.json()["id"]


def test_another_tenants_job_is_404(server, other_key, ghz_job):
    with server.http(other_key) as other:
        jid = ghz_job["id"]
        for r in (other.get(f"/v1/jobs/{jid}"), other.get(f"/v1/jobs/{jid}/result"),
                  other.get(f"/v1/jobs/{jid}/artifacts"), other.get(f"/v1/jobs/{jid}/artifacts/log.txt"),
                  other.post(f"/v1/jobs/{jid}:cancel"), other.get(f"/v1/jobs/{jid}/events")):
            problem(r, 404, "job-not-found")
        assert jid not in [j["id"] for j in other.get("/v1/jobs").json()["jobs"]]


def test_a_body_over_the_limit_is_413(http):
    problem(http.post("/v1/jobs", json=job_body(source="; " + "x" * (2 << 20))), 413, "body-too-large")


def test_malformed_json_is_422(http):
    problem(http.post("/v1/jobs", content=b"{not json", headers={"content-type": "application/json"}),
            422, "malformed-json")


@pytest.mark.parametrize("change, field", [
    ({"shots": -1}, "shots"), ({"seed": "x"}, "seed"), ({"format": "qasm3"}, "format"),
    ({"bogus": 1}, "bogus"), ({"target": "nowhere"}, "target"), ({"backend": "abacus"}, "backend"),
    ({"noise": "loud"}, "noise"), ({"options": {"detectors": True}}, "options.detectors"),
    ({"options": {"checkpoint_shots": 0}}, "options.checkpoint_shots"),
])
def test_a_schema_violation_is_422_naming_the_field(http, change, field):
    body = problem(http.post("/v1/jobs", json={**job_body(), **change}), 422, "validation-error")
    assert body["errors"][0]["field"] == field


def test_a_missing_field_is_named(http):
    body = problem(http.post("/v1/jobs", json={"format": "qbc"}), 422, "validation-error")
    assert body["errors"][0]["field"] == "source"


def test_validate_gives_the_diagnostic_with_its_position(http):
    ok = http.post("/v1/jobs:validate", json=job_body())
    assert ok.status_code == 200 and ok.json()["valid"] and ok.json()["num_qubits"] == 6
    body = problem(http.post("/v1/jobs:validate", json=job_body(BAD, filename="bad.qbc")), 422, "invalid-program")
    d = body["diagnostic"]
    assert (d["file"], d["line"], d["column"]) == ("bad.qbc", 2, 1)
    assert d["rendered"].startswith("bad.qbc:2:1: error: unknown mnemonic 'QFOO'")


def test_a_submitted_syntax_error_fails_with_its_position(http):
    job = finished(http, http.post("/v1/jobs", json=job_body(BAD, filename="bad.qbc")).json()["id"])
    assert job["state"] == "FAILED"
    f = job["failure"]
    assert f["type"] == "invalid-program"
    assert (f["diagnostic"]["file"], f["diagnostic"]["line"], f["diagnostic"]["column"]) == ("bad.qbc", 2, 1)
    problem(http.get(f"/v1/jobs/{job['id']}/result"), 409, "job-failed")


def test_a_program_that_never_halts_stops_at_its_time_limit(http):
    source = "        QH q0\nloop:   QADD r1, 1\n        QJMP loop\n"
    body = job_body(source, filename="loop.qbc", options={"time_limit_s": 2})
    job = finished(http, http.post("/v1/jobs", json=body).json()["id"], 120)
    assert job["state"] == "FAILED" and job["failure"]["type"] == "time-limit"
    assert "time limit of 2 s" in job["failure"]["detail"]


def test_validate_stops_a_program_that_never_halts_at_its_step_limit(http):
    source = "        QH q0\nloop:   QADD r1, 1\n        QJMP loop\n"
    body = problem(http.post("/v1/jobs:validate", json=job_body(source, filename="loop.qbc")), 422, "invalid-program")
    assert "step limit of 10000000 reached" in body["detail"] and body["diagnostic"]["line"] == 3


def test_includes_cannot_read_the_servers_files(http):
    body = problem(http.post("/v1/jobs:validate", json=job_body('.include "/etc/passwd"\nQH q0\n')),
                   422, "invalid-program")
    assert "cannot include" in body["detail"] and "root:" not in json.dumps(body)
    qasm = {"format": "qasm2", "source": 'OPENQASM 2.0;\ninclude "/etc/hostname";\nqreg q[1];\n'}
    assert "cannot include" in problem(http.post("/v1/jobs:validate", json=qasm), 422, "invalid-program")["detail"]


def test_shots_over_the_daily_quota_are_refused(server):
    subprocess.run([*NAVM, "tenants", "set", "tiny", "--shots-per-day", "1500", "--db", server.db_url],
                   check=True, capture_output=True, cwd=ROOT)
    with server.http(make_key(server.db_url, tenant="tiny")) as tiny:
        assert tiny.post("/v1/jobs", json=job_body(shots=1000)).status_code == 202
        body = problem(tiny.post("/v1/jobs", json=job_body(shots=1000)), 429, "quota-exceeded")
        assert body["quota"] == "shots_per_day" and body["limit"] == 1500


def test_requests_over_the_rate_limit_are_429(server):
    subprocess.run([*NAVM, "tenants", "set", "slow", "--rate", "0.5", "--burst", "2", "--db", server.db_url],
                   check=True, capture_output=True, cwd=ROOT)
    with server.http(make_key(server.db_url, tenant="slow")) as slow:
        answers = [slow.get("/v1/jobs") for _ in range(3)]
    assert [a.status_code for a in answers[:2]] == [200, 200]
    assert answers[0].headers["ratelimit-limit"] == "2"
    last = problem(answers[2], 429, "rate-limited")
    assert last and int(answers[2].headers["retry-after"]) >= 1


@pytest.mark.parametrize("name", ["../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "%2E%2E", "nope.txt", ".hidden"])
def test_an_artifact_name_outside_the_job_is_404(http, ghz_job, name):
    r = http.get(f"/v1/jobs/{ghz_job['id']}/artifacts/{name}")
    assert r.status_code == 404


def test_artifacts_are_listed_and_streamed(http, ghz_job):
    listed = {a["name"]: a for a in http.get(f"/v1/jobs/{ghz_job['id']}/artifacts").json()["artifacts"]}
    assert {"compiled.mlir", "schedule.svg", "program.naviz", "result.json", "log.txt"} <= set(listed)
    naviz = http.get(listed["program.naviz"]["href"])
    assert naviz.status_code == 200 and naviz.text.startswith("atom (")
    assert int(naviz.headers["content-length"]) == listed["program.naviz"]["size"] == len(naviz.content)
    assert http.get(f"/v1/jobs/{ghz_job['id']}/artifacts/schedule.svg").text.lstrip().startswith("<svg")
    assert json.loads(http.get(listed["result.json"]["href"]).content) == \
        http.get(f"/v1/jobs/{ghz_job['id']}/result").json()


def test_records_and_state_when_asked_for(http):
    job = finished(http, http.post("/v1/jobs", json=job_body(BELL, filename="bell.qbc", shots=50,
                                                             options={"records": True, "state": True})).json()["id"])
    records = http.get(f"/v1/jobs/{job['id']}/artifacts/records.txt").text.split()
    assert len(records) == 50 and set(records) <= {"00", "11"}
    import io

    import numpy as np

    state = np.load(io.BytesIO(http.get(f"/v1/jobs/{job['id']}/artifacts/state.npy").content))
    assert state.shape == (4,) and abs(np.vdot(state, state) - 1) < 1e-5


def test_cancel_a_running_job_and_cancel_again(http):
    jid = http.post("/v1/jobs", json=slow_body()).json()["id"]
    wait_for(lambda: http.get(f"/v1/jobs/{jid}").json()["state"] == "RUNNING", 120)
    first = http.post(f"/v1/jobs/{jid}:cancel")
    assert first.status_code == 200 and first.json()["state"] in ("CANCELLING", "CANCELLED")
    assert finished(http, jid)["state"] == "CANCELLED"
    again = http.post(f"/v1/jobs/{jid}:cancel")
    assert again.status_code == 200 and again.json()["state"] == "CANCELLED"
    problem(http.get(f"/v1/jobs/{jid}/result"), 409, "job-not-finished")


def test_events_replay_after_last_event_id(server, key, ghz_job):
    with server.client(key) as client:
        everything = list(client.events(ghz_job["id"]))
        states = [e["data"]["state"] for e in everything if e["event"] == "state"]
        assert states == ["QUEUED", "COMPILING", "RUNNING", "COMPLETED"]
        assert [e["id"] for e in everything] == sorted(e["id"] for e in everything)
        rest = list(client.events(ghz_job["id"], last_event_id=everything[1]["id"]))
    assert rest == everything[2:]


def test_a_stream_follows_a_job_live(server, key):
    with server.client(key) as client:
        job = client.submit(GHZ, format="qbc", shots=3000, options={"checkpoint_shots": 1000})
        events = list(client.events(job["id"]))
    kinds = [e["event"] for e in events]
    assert "log" in kinds and "progress" in kinds
    assert events[-1]["data"]["state"] == "COMPLETED"
    assert [e["data"]["done"] for e in events if e["event"] == "progress" and e["data"].get("checkpoint")] == \
        [1000, 2000]


def test_jobs_are_paged_and_filtered(http):
    ids = [http.post("/v1/jobs", json=job_body(shots=5, tags=["paged"])).json()["id"] for _ in range(5)]
    seen, cursor = [], None
    while True:
        page = http.get("/v1/jobs", params={"tag": "paged", "limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        seen += [j["id"] for j in page["jobs"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == ids[::-1]
    assert http.get("/v1/jobs", params={"tag": "no-such-tag"}).json() == {"jobs": [], "next_cursor": None}
    problem(http.get("/v1/jobs", params={"cursor": "garbage!"}), 400, "invalid-cursor")
    problem(http.get("/v1/jobs", params={"state": "SLEEPING"}), 422, "validation-error")
    problem(http.get("/v1/jobs", params={"since": "yesterday"}), 422, "validation-error")
    assert all(j["state"] == "FAILED" for j in http.get("/v1/jobs", params={"state": "FAILED"}).json()["jobs"])
    later = http.get("/v1/jobs", params={"tag": "paged", "since": "2999-01-01T00:00:00Z"}).json()
    assert later["jobs"] == []


def test_a_batch_runs_its_jobs(http):
    r = http.post("/v1/batches", json={"jobs": [job_body(shots=10, seed=s) for s in range(3)], "tags": ["b"]})
    assert r.status_code == 201
    batch = r.json()
    assert batch["jobs"] == 3 and not batch["open"]
    done = wait_for(lambda: (b := http.get(f"/v1/batches/{batch['id']}").json())["done"] and b, 90)
    assert done["states"] == {"COMPLETED": 3}


def test_an_open_batch_waits_until_closed_and_reruns_its_failed_jobs(http):
    batch = http.post("/v1/batches", json={"open": True}).json()
    good = http.post(f"/v1/batches/{batch['id']}/jobs", json=job_body(shots=10)).json()
    bad = http.post(f"/v1/batches/{batch['id']}/jobs", json=job_body(BAD, filename="bad.qbc")).json()
    time.sleep(0.5)
    assert http.get(f"/v1/jobs/{good['id']}").json()["state"] == "CREATED"
    closed = http.post(f"/v1/batches/{batch['id']}:close").json()
    assert not closed["open"]
    problem(http.post(f"/v1/batches/{batch['id']}/jobs", json=job_body()), 409, "batch-closed")
    done = wait_for(lambda: (b := http.get(f"/v1/batches/{batch['id']}").json())["done"] and b, 90)
    assert done["states"] == {"COMPLETED": 1, "FAILED": 1}
    rerun = http.post(f"/v1/batches/{batch['id']}:rerun").json()
    assert rerun["rerun"] == [bad["id"]]
    assert finished(http, bad["id"])["state"] == "FAILED"
    kinds = [e for e in http.get(f"/v1/jobs/{bad['id']}/events").text.split("\n") if e.startswith("data:")]
    assert sum('"FAILED"' in e for e in kinds) == 2
    problem(http.get("/v1/batches/batch_nope"), 404, "batch-not-found")


def test_a_batch_over_the_quota_leaves_nothing_behind(server):
    subprocess.run([*NAVM, "tenants", "set", "few", "--max-queued", "2", "--max-running", "0", "--db", server.db_url],
                   check=True, capture_output=True, cwd=ROOT)
    with server.http(make_key(server.db_url, tenant="few")) as http:
        body = problem(http.post("/v1/batches", json={"jobs": [job_body(shots=1)] * 3}), 429, "quota-exceeded")
        assert body["quota"] == "max_queued"
        assert http.get("/v1/jobs").json()["jobs"] == []
        assert http.post("/v1/batches", json={"jobs": [job_body(shots=1)] * 2}).status_code == 201


def test_a_retried_add_to_a_closed_batch_gives_the_job_it_made(http):
    batch = http.post("/v1/batches", json={"open": True}).json()
    url = f"/v1/batches/{batch['id']}/jobs"
    first = http.post(url, json=job_body(shots=5), headers={"Idempotency-Key": "add-1"})
    http.post(f"/v1/batches/{batch['id']}:close")
    again = http.post(url, json=job_body(shots=5), headers={"Idempotency-Key": "add-1"})
    assert again.status_code == 202 and again.json()["id"] == first.json()["id"]
    assert again.headers["idempotent-replayed"] == "true"
    elsewhere = http.post("/v1/jobs", json=job_body(shots=5), headers={"Idempotency-Key": "add-1"})
    problem(elsewhere, 409, "idempotency-conflict")


def test_targets_list_devices_and_backends(http):
    targets = {t["name"]: t for t in http.get("/v1/targets").json()["targets"]}
    assert {"zoned", "square-16x16"} <= set(targets)
    zoned = http.get("/v1/targets/zoned").json()
    assert zoned["zoned"] and zoned["isa_version"] == "1.2" and zoned["profile"]["architecture"]
    assert zoned["backends"]["stim"]["clifford_only"] and zoned["backends"]["statevector"]["max_qubits"] == 30
    assert zoned["backends"]["aer"]["available"] and len(zoned["version"]) == 16
    problem(http.get("/v1/targets/nowhere"), 404, "target-not-found")


def test_the_aer_backend_runs_a_job(http):
    job = finished(http, http.post("/v1/jobs", json=job_body(BELL, filename="bell.qbc", backend="aer",
                                                             shots=400, noise="none")).json()["id"])
    assert job["state"] == "COMPLETED", job["failure"]
    counts = http.get(f"/v1/jobs/{job['id']}/result").json()["counts"]
    assert set(counts) == {"00", "11"} and sum(counts.values()) == 400


def test_usage_adds_up(server):
    with server.http(make_key(server.db_url, tenant="metered")) as http:
        for shots in (100, 250):
            finished(http, http.post("/v1/jobs", json=job_body(shots=shots)).json()["id"])
        usage = http.get("/v1/usage").json()
        assert usage["tenant"] == "metered" and usage["jobs"] == 2 and usage["shots"] == 350
        assert usage["cpu_seconds"] > 0 and usage["qubit_seconds"] > 0
        assert http.get("/v1/usage", params={"since": "2999-01-01T00:00:00Z"}).json()["jobs"] == 0


def test_metrics_count_requests_by_route(server, http, ghz_job):
    http.get(f"/v1/jobs/{ghz_job['id']}")
    with server.http(make_key(server.db_url, tenant="ops", scopes="admin")) as admin:
        text = admin.get("/metrics").text
    assert 'navm_http_requests_total{method="GET",route="/v1/jobs/{job_id}",status="200"}' in text
    assert 'navm_shots_total{tenant="acme"}' in text
