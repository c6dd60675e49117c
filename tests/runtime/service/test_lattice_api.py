"""/v1/lattice against a real server watching a generated lattice: every endpoint, a degraded node's
triangle alerting and clearing, the packets decoding to the node states, heartbeat events, and a
server without a lattice answering 404 no-lattice."""

from __future__ import annotations

import json

import httpx
import numpy as np
import pytest

from tests.runtime.service_support import fresh_database, make_key, start_server, wait_for

NODES = 3000


@pytest.fixture(scope="module")
def lattice_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("lattice")
    with fresh_database("sqlite", tmp) as url:
        server = start_server(url, tmp / "serve.log", "--lattice-nodes", str(NODES), "--heartbeat-every", "1s")
        try:
            yield server, make_key(url, tenant="ops", scopes="admin"), make_key(url, tenant="viewer", scopes="read")
        finally:
            server.stop()


@pytest.fixture(scope="module")
def admin(lattice_server):
    server, key, _ = lattice_server
    with server.http(key) as http:
        wait_for(lambda: http.get("/v1/lattice").json()["latest"] is not None, 60)
        yield http


def test_the_lattice_and_its_latest_heartbeat(admin):
    body = admin.get("/v1/lattice").json()
    assert body["nodes"] == NODES and 0.95 * NODES / 3 <= body["triangles"] <= NODES / 3
    assert body["heartbeat_every_s"] == 1.0
    latest = body["latest"]
    assert 0.9 < latest["min_fidelity"] <= latest["median_fidelity"] < 1 and latest["alerts_open"] == 0


def test_a_node_a_triangle_and_a_sigma_lookup(admin):
    node = admin.get("/v1/lattice/nodes/200").json()
    assert node["id"] == 200 and node["triangle"] is not None and len(node["neighbours"]) == 6
    assert 0.9 < node["metrics"]["fidelity"] < 1 and 0 < node["metrics"]["concurrence"] < 2 / 3
    assert node["routing"]["node_id"] == 200 and node["alert"] is None
    tri = admin.get(f"/v1/lattice/triangles/{node['triangle']}").json()
    assert 200 in tri["nodes"] and tri["metrics"]["fidelity"] == pytest.approx(node["metrics"]["fidelity"])
    assert len(tri["metrics"]["concurrence"]) == 3
    near = admin.get("/v1/lattice/nodes", params={"sigma": 8 * 200 / NODES}).json()
    assert near["nodes"][0]["id"] == 200
    assert admin.get("/v1/lattice/nodes/999999").json()["type"] == "urn:navm:problem:node-not-found"
    assert admin.get("/v1/lattice/triangles/5000").status_code == 404


def test_arrays_and_packets_describe_every_node(admin):
    from navm.runtime.packets.batch import decode_batch

    layout = np.frombuffer(admin.get("/v1/lattice/layout.bin").content, dtype="<f4")
    assert len(layout) == 3 * NODES
    fidelity = np.frombuffer(admin.get("/v1/lattice/heartbeats/latest/fidelity.bin").content, dtype="<f4")
    triangles = admin.get("/v1/lattice").json()["triangles"]
    assert len(fidelity) == NODES and np.isfinite(fidelity).sum() == 3 * triangles
    r = admin.get("/v1/lattice/heartbeats/latest/packets")
    packets = decode_batch(r.content)
    assert len(packets) == int(r.headers["x-packet-count"]) == 3 * triangles
    node200 = admin.get("/v1/lattice/nodes/200").json()
    row = packets[packets["node_id"] == 200][0]
    assert row["sigma"] == pytest.approx(node200["sigma"])
    assert row["purity"] == pytest.approx(node200["metrics"]["purity"], abs=1e-6)


def test_a_degraded_node_alerts_its_triangle_and_clears(admin):
    tri = admin.get("/v1/lattice/nodes/40").json()["triangle"]
    members = sorted(admin.get(f"/v1/lattice/triangles/{tri}").json()["nodes"])
    assert admin.post("/v1/lattice/nodes/40:degrade", json={"scale": 30}).status_code == 200
    beat = admin.post("/v1/lattice/heartbeat").json()
    assert beat["min_fidelity"] < 0.9
    open_ = wait_for(lambda: admin.get("/v1/lattice/alerts").json()["alerts"] or None, 10)
    assert sorted(a["node"] for a in open_) == members and {a["kind"] for a in open_} == {"threshold"}
    assert admin.get("/v1/lattice/nodes/40").json()["alert"]["kind"] == "threshold"
    admin.post("/v1/lattice/nodes/40:degrade", json={"scale": 1})
    admin.post("/v1/lattice/heartbeat")
    assert admin.get("/v1/lattice/alerts").json()["alerts"] == []
    cleared = admin.get("/v1/lattice/alerts", params={"state": "all"}).json()["alerts"]
    assert sorted(a["node"] for a in cleared if a["cleared_at"]) == members
    history = admin.get("/v1/lattice/nodes/40/history").json()["points"]
    assert min(p["fidelity"] for p in history) < 0.9 < history[-1]["fidelity"]


def test_history_and_routes(admin):
    beats = admin.get("/v1/lattice/heartbeats", params={"limit": 3}).json()["heartbeats"]
    assert len(beats) == 3 and beats[0]["id"] > beats[1]["id"] > beats[2]["id"]
    route = admin.get("/v1/lattice/route", params={"from": 0, "to": NODES - 1}).json()
    assert route["nodes"][0] == 0 and route["nodes"][-1] == NODES - 1 and route["hops"] >= 50


def test_heartbeats_are_streamed_as_events(lattice_server):
    server, key, _ = lattice_server
    with httpx.stream("GET", f"{server.url}/v1/lattice/events", headers={"Authorization": f"Bearer {key}"},
                      timeout=30) as response:
        for line in response.iter_lines():
            if line.startswith("data:"):
                event = json.loads(line[5:])
                break
    assert event["id"] >= 1 and "min_fidelity" in event


def test_only_an_admin_runs_or_degrades(lattice_server):
    server, _, viewer = lattice_server
    with server.http(viewer) as http:
        assert http.get("/v1/lattice").status_code == 200
        assert http.post("/v1/lattice/heartbeat").status_code == 403
        assert http.post("/v1/lattice/nodes/1:degrade", json={"scale": 2}).status_code == 403


def test_health_metrics(lattice_server):
    server, key, _ = lattice_server
    with server.http(key) as http:
        text = http.get("/metrics").text
    assert "navm_heartbeat_duration_seconds_bucket" in text and "navm_node_fidelity_bucket" in text
    assert "navm_alerts_open" in text


def test_a_server_without_a_lattice_says_so(server, key):
    with server.http(key) as http:
        r = http.get("/v1/lattice")
    assert r.status_code == 404 and r.json()["type"] == "urn:navm:problem:no-lattice"
