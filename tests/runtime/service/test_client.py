"""navm.client and the client commands against a real server: a bloqade kernel submitted in one call,
retries that never duplicate a job, and `navm submit --wait --json` printing `navm run --json`'s object."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from navm.client import Client, ServiceError, program_body
from tests.runtime.service_support import NAVM, ROOT


def test_a_kirin_kernel_runs_on_the_service_in_one_call(server, key):
    pytest.importorskip("bloqade")
    from tests.frontend.kirin.kernels import ghz_measured

    with server.client(key) as client:
        job = client.submit(ghz_measured, shots=300, seed=2)
        assert client.wait(job["id"], timeout=120)["state"] == "COMPLETED"
        counts = client.result(job["id"])["counts"]
    assert job["format"] == "qasm2" and job["filename"] == "ghz_measured.qasm"
    assert set(counts) <= {"000", "111"} and sum(counts.values()) == 300


def test_navm_submit_takes_a_kernel_file(server, key):
    pytest.importorskip("bloqade")
    env = {**os.environ, "NAVM_SERVER": server.url, "NAVM_API_KEY": key}
    done = subprocess.run([*NAVM, "submit", "examples/kirin/ghz.py:main", "--shots", "100", "--wait", "--json"],
                          capture_output=True, text=True, cwd=ROOT, env=env)
    assert done.returncode == 0, done.stderr
    counts = json.loads(done.stdout)["counts"]
    assert sum(counts.values()) == 100 and len(set(map(len, counts))) == 1


def test_a_retried_submit_makes_one_job(server, key):
    import httpx

    calls = {"n": 0}
    real = httpx.HTTPTransport()

    class DropFirstAnswer(httpx.BaseTransport):
        """The server gets the request; the client never hears back the first time."""

        def handle_request(self, request):
            response = real.handle_request(request)
            calls["n"] += 1
            if calls["n"] == 1:
                response.read()
                raise httpx.ReadError("connection reset", request=request)
            return response

    with Client(server.url, key, transport=DropFirstAnswer(), backoff_s=0.01) as client:
        job = client.submit(ROOT / "examples" / "qbc" / "bell.qbc", shots=10, tags=["retried-once"])
    assert calls["n"] == 2
    with server.client(key) as client:
        assert [j["id"] for j in client.jobs(tag="retried-once")] == [job["id"]]


def test_service_errors_carry_the_problem(server, key):
    with server.client(key) as client:
        with pytest.raises(ServiceError) as err:
            client.get("job_nope")
        assert err.value.status == 404 and err.value.kind == "job-not-found"
        with pytest.raises(TimeoutError):
            client.wait(client.submit("QH q0\nQMEAS q0, r1\n", format="qbc", shots=10**6, noise="device",
                                      options={"checkpoint_shots": 100})["id"], timeout=0.5)


def test_program_body_reads_files_and_text(tmp_path):
    assert program_body(ROOT / "examples" / "ghz.qbc")["format"] == "qbc"
    assert program_body("QH q0", format="qbc") == {"format": "qbc", "source": "QH q0", "filename": None}
    with pytest.raises(ValueError):
        program_body(tmp_path / "x.txt")


def test_submit_wait_json_prints_navm_runs_json(server, key):
    env = {**os.environ, "NAVM_SERVER": server.url, "NAVM_API_KEY": key}
    args = ["examples/ghz.qbc", "--shots", "500", "--seed", "4", "--json"]
    sub = subprocess.run([*NAVM, "submit", *args, "--wait"], capture_output=True, text=True, cwd=ROOT, env=env)
    run = subprocess.run([*NAVM, "run", *args], capture_output=True, text=True, cwd=ROOT)
    assert sub.returncode == 0, sub.stderr
    assert json.loads(sub.stdout) == json.loads(run.stdout)


def test_client_commands(server, key, tmp_path):
    env = {**os.environ, "NAVM_SERVER": server.url, "NAVM_CONFIG": str(tmp_path / "client.toml")}
    env.pop("NAVM_API_KEY", None)
    (tmp_path / "client.toml").write_text(f'key = "{key}"\n')  # the key from the config file
    navm = lambda *a: subprocess.run([*NAVM, *a], capture_output=True, text=True, cwd=ROOT, env=env)  # noqa: E731
    submitted = navm("submit", "examples/qbc/bell.qbc", "--shots", "20", "--json", "--tag", "cli")
    assert submitted.returncode == 0, submitted.stderr
    jid = json.loads(submitted.stdout)["id"]
    watched = navm("watch", jid, "--json")
    assert watched.returncode == 0 and json.loads(watched.stdout.splitlines()[-1])["data"]["state"] == "COMPLETED"
    assert json.loads(navm("job", jid).stdout)["state"] == "COMPLETED"
    assert sum(json.loads(navm("result", jid).stdout)["counts"].values()) == 20
    assert jid in navm("jobs", "--tag", "cli", "--json").stdout
    assert navm("cancel", jid).stdout.strip() == f"{jid} COMPLETED"
    bad = tmp_path / "bad.qbc"
    bad.write_text("QH q0\nQFOO q1\n")
    failed = navm("submit", str(bad), "--wait")
    assert failed.returncode == 2 and "bad.qbc:2:1: error: unknown mnemonic 'QFOO'" in failed.stderr
    assert "Traceback" not in failed.stderr
    nokey = navm("jobs", "--key", "navm_0_0")
    assert nokey.returncode == 2 and "not valid" in nokey.stderr
    slow = tmp_path / "slow.qbc"
    slow.write_text("QH q0\nQMEAS q0, r1\n")
    late = navm("submit", str(slow), "--shots", "1000000", "--noise", "--wait", "--timeout", "0.5")
    assert late.returncode == 2 and "still" in late.stderr and "navm watch" in late.stderr
    navm("cancel", json.loads(navm("jobs", "--limit", "1", "--json").stdout)[0]["id"])
    down = subprocess.run([*NAVM, "jobs", "--server", "http://127.0.0.1:9", "--key", key], capture_output=True,
                          text=True, cwd=ROOT)
    assert down.returncode == 2 and "cannot reach the job service" in down.stderr
