"""Limits a server enforces on jobs, each with a server of its own: the memory limit ends a worker,
a tenant's qubit quota fails a job that needs more, and the billing hook (an entry point of the group
`navm.billing`, here from a package made for the test) hears every finished job's usage."""

from __future__ import annotations

import json
import os
import subprocess

from tests.runtime.service_support import NAVM, ROOT, fresh_database, make_key, start_server, wait_for

GHZ = (ROOT / "examples" / "ghz.qbc").read_text()


def _finished(http, job_id):
    return wait_for(lambda: (j := http.get(f"/v1/jobs/{job_id}").json())["state"] in
                    ("COMPLETED", "FAILED", "CANCELLED") and j, 120)


def _billing_package(site, out):
    (site / "navm_test_billing.py").write_text(
        "import json\n"
        f"def record(usage):\n    open({str(out)!r}, 'a').write(json.dumps(usage) + '\\n')\n")
    info = site / "navm_test_billing-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: navm-test-billing\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[navm.billing]\nrecord = navm_test_billing:record\n")


def test_quota_memory_limit_and_billing(tmp_path, monkeypatch):
    site, billed = tmp_path / "site", tmp_path / "billed.jsonl"
    site.mkdir()
    _billing_package(site, billed)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]))
    with fresh_database("sqlite", tmp_path) as url:
        key = make_key(url)
        subprocess.run([*NAVM, "tenants", "set", "narrow", "--max-qubits", "2", "--db", url], check=True,
                       capture_output=True, cwd=ROOT)
        narrow = make_key(url, tenant="narrow")
        server = start_server(url, tmp_path / "serve.log", "--workers", "1")
        try:
            with server.http(narrow) as http:
                job = _finished(http, http.post("/v1/jobs", json={"format": "qbc", "source": GHZ}).json()["id"])
                assert job["state"] == "FAILED" and job["failure"]["type"] == "quota-exceeded"
                assert "6 qubits" in job["failure"]["detail"] and "quota is 2" in job["failure"]["detail"]
            with server.http(key) as http:
                ok = _finished(http, http.post("/v1/jobs", json={"format": "qbc", "source": GHZ, "shots": 77}).json()["id"])
                assert ok["state"] == "COMPLETED"
            lines = wait_for(lambda: billed.exists() and len(billed.read_text().splitlines()) >= 2 and
                             [json.loads(x) for x in billed.read_text().splitlines()], 30)
            assert {(u["job_id"], u["state"], u["shots"]) for u in lines} == {
                (job["id"], "FAILED", 0), (ok["id"], "COMPLETED", 77)}
        finally:
            server.stop()
        small = start_server(url, tmp_path / "serve2.log", "--workers", "1", "--memory-limit", "1")
        try:
            with small.http(key) as http:
                job = _finished(http, http.post("/v1/jobs", json={"format": "qbc", "source": GHZ}).json()["id"])
            assert job["state"] == "FAILED" and job["failure"]["type"] == "memory-limit"
            assert "more than its memory limit of 1 MiB" in job["failure"]["detail"]
            wait_for(lambda: job["id"] in billed.read_text(), 30)  # billed too, with what it reported
        finally:
            small.stop()


def test_a_dynamic_program_over_the_qubit_quota_fails_as_such(tmp_path):
    """A dynamic circuit (control flow on a measurement) is held to the tenant's qubit quota too."""
    source = ("        QH q0\n        QMEAS q0, r1\n        QJEQ r1, 0, done\n        QX q1\n        QX q2\n"
              "done:   QMEAS q1, r2\n        QMEAS q2, r3\n")
    with fresh_database("sqlite", tmp_path) as url:
        subprocess.run([*NAVM, "tenants", "set", "pair", "--max-qubits", "2", "--db", url], check=True,
                       capture_output=True, cwd=ROOT)
        key = make_key(url, tenant="pair")
        server = start_server(url, tmp_path / "serve.log", "--workers", "1")
        try:
            with server.http(key) as http:
                job = _finished(http, http.post("/v1/jobs", json={"format": "qbc", "source": source,
                                                                  "shots": 20}).json()["id"])
        finally:
            server.stop()
    assert job["state"] == "FAILED" and job["failure"]["type"] == "quota-exceeded", job["failure"]
    assert "quota is 2" in job["failure"]["detail"] and job["failure"]["diagnostic"]["line"] is not None
