"""`navm serve --executor ray`: a batch fans out as Ray tasks on a real local Ray cluster (started
by the server, in process) and every job completes with the same counts as the local workers give."""

from __future__ import annotations

import pytest

from tests.runtime.service_support import fresh_database, make_key, start_server, wait_for

pytest.importorskip("ray")
GHZ_JOB = {"format": "qbc", "filename": "ghz.qbc", "shots": 200}


def test_a_batch_runs_on_ray(tmp_path):
    from pathlib import Path

    source = (Path(__file__).resolve().parents[3] / "examples" / "ghz.qbc").read_text()
    with fresh_database("sqlite", tmp_path) as url:
        key = make_key(url)
        server = start_server(url, tmp_path / "serve.log", "--executor", "ray", "--workers", "2", timeout_s=180)
        try:
            with server.http(key) as http:
                jobs = [{**GHZ_JOB, "source": source, "seed": s} for s in range(4)]
                batch = http.post("/v1/batches", json={"jobs": jobs}).json()
                done = wait_for(lambda: (b := http.get(f"/v1/batches/{batch['id']}").json())["done"] and b, 240)
                assert done["states"] == {"COMPLETED": 4}, http.get(f"/v1/jobs/{batch['job_ids'][0]}").json()
                results = [http.get(f"/v1/jobs/{j}/result").json() for j in batch["job_ids"]]
                logs = http.get(f"/v1/jobs/{batch['job_ids'][0]}/artifacts/log.txt").text
        finally:
            server.stop()
    from navm.api import run

    import navm

    for seed, result in enumerate(results):
        assert result["counts"] == run(navm.compile(source, language="qbc"), shots=200, seed=seed).counts
    assert "completed" in logs
