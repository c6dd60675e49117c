"""The web dashboard (web/, docs/dashboard.md) in a real browser against a real `navm serve`.

Debian's chromium (/usr/bin/chromium, scripts/install-chromium.sh) is driven by Playwright; its own
browsers are never downloaded. The bundle must be built (scripts/build-web.sh, which ./dev runs) and
served by the app (navm/runtime/service/routes_dashboard.py). The tests save screenshots to
$NAVM_SCREENSHOTS (default: build/screenshots/, ignored by git, so a test run leaves the tree
clean); `NAVM_SCREENSHOTS=docs/dashboard ./dev test tests/web` refreshes the ones docs/dashboard.md
shows.

The lattice tests (class TestLattice: `pytest tests/web -k Lattice`) need the lattice health
endpoints; they skip, saying so, only when the server answers 404 for GET /v1/lattice.
"""

from __future__ import annotations

import math
import os
import struct
import time
from pathlib import Path

import pytest

from navm.runtime.service.routes_dashboard import NOT_BUILT, STATIC, mount_dashboard
from tests.runtime.service_support import ROOT, fresh_database, make_key, start_server, wait_for

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / os.environ.get("NAVM_SCREENSHOTS", "build/screenshots")
LATTICE_NODES = 5000
VIEWPORT = {"width": 1400, "height": 900}
BELL = (ROOT / "examples" / "qbc" / "bell.qbc").read_text()


def _unavailable(why: str):
    """Fails in CI (where the browser tests must run), skips elsewhere."""
    if os.environ.get("CI"):
        pytest.fail(why)
    pytest.skip(why)


# ---- the dashboard's routes, without a browser ----


class _Client:
    """Requests to an app in this process (httpx over ASGI)."""

    def __init__(self, app):
        self.app = app

    def request(self, method: str, path: str):
        import asyncio

        import httpx

        async def go():
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://dash") as c:
                return await c.request(method, path)

        return asyncio.run(go())

    def get(self, path: str):
        return self.request("GET", path)

    def head(self, path: str):
        return self.request("HEAD", path)


def _app(static: Path) -> _Client:
    from fastapi import FastAPI

    from navm.runtime.service import problems

    app = FastAPI()
    problems.install(app)
    mount_dashboard(app, static)
    return _Client(app)


def test_an_unbuilt_dashboard_answers_503(tmp_path):
    client = _app(tmp_path / "static")
    for path in ("/", "/assets/index-abc.js"):
        answer = client.get(path)
        assert answer.status_code == 503
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["type"] == "urn:navm:problem:dashboard-not-built"
        assert answer.json()["detail"] == NOT_BUILT == "the dashboard is not built: run scripts/build-web.sh"


def test_the_dashboard_serves_index_and_assets_only(tmp_path):
    static = tmp_path / "static"
    (static / "assets").mkdir(parents=True)
    (static / "index.html").write_text("<!doctype html><title>navm</title>")
    (static / "assets" / "index-abc.js").write_text("console.log(1)")
    (tmp_path / "secret.txt").write_text("no")
    client = _app(static)
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-cache" and "<title>navm</title>" in page.text
    script = client.get("/assets/index-abc.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert "immutable" in script.headers["cache-control"]
    assert client.head("/assets/index-abc.js").status_code == 200
    for path in ("/assets/missing.js", "/assets/..%2F..%2Fsecret.txt", "/assets/../index.html/../../secret.txt"):
        assert client.get(path).status_code == 404, path


# ---- a browser and servers ----


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[test]')")
    if not CHROMIUM.exists():
        _unavailable(f"no {CHROMIUM}: run scripts/install-chromium.sh")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=VIEWPORT)
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    errors: list[str] = []
    tab.on("pageerror", lambda err: errors.append(str(err)))
    yield tab
    context.close()
    assert not errors, f"errors in the page: {errors}"


def _check_dashboard_served(server) -> None:
    answer = server.http().get("/")
    if answer.status_code == 503:
        pytest.fail(f"{answer.json()['detail']} (navm/runtime/service/static/ is missing)")
    assert answer.status_code == 200, (
        f"GET / answered {answer.status_code}: is the dashboard mounted (navm/runtime/service/app.py calling "
        f"routes_dashboard.mount_dashboard(app))?")
    assert (STATIC / "index.html").is_file()


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    """A plain `navm serve` (no lattice) and a key for tenant acme."""
    folder = tmp_path_factory.mktemp("dashboard")
    with fresh_database("sqlite", folder) as db_url:
        server = start_server(db_url, folder / "serve.log", "--workers", "2")
        try:
            _check_dashboard_served(server)
            yield server, make_key(db_url, "acme", "submit,read")
        finally:
            server.stop()


def shot(page, name: str, **kwargs) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), **kwargs)


def login(page, url: str, key: str, start: str = "jobs") -> None:
    page.goto(f"{url}/#/{start}")
    page.get_by_test_id("login-key").fill(key)
    page.get_by_test_id("login-submit").click()
    page.get_by_test_id("nav").wait_for()


# ---- login, jobs, targets ----


def test_login_refuses_a_bad_key_and_accepts_a_good_one(service, page):
    server, key = service
    page.goto(f"{server.url}/")
    page.get_by_test_id("login-key").fill("navm_0000000000000000_not-a-key")
    page.get_by_test_id("login-submit").click()
    error = page.get_by_test_id("login-error")
    error.wait_for()
    assert "refused" in error.inner_text()
    assert page.evaluate("sessionStorage.getItem('navm.apiKey')") is None
    shot(page, "login")

    page.get_by_test_id("login-key").fill(key)
    page.get_by_test_id("login-submit").click()
    page.get_by_test_id("nav").wait_for()
    assert page.evaluate("sessionStorage.getItem('navm.apiKey')") == key
    assert page.get_by_test_id("login-page").count() == 0

    page.get_by_test_id("sign-out").click()
    page.get_by_test_id("login-page").wait_for()
    assert page.evaluate("sessionStorage.getItem('navm.apiKey')") is None


def test_a_job_submitted_through_the_api_completes_on_the_jobs_page(service, page):
    server, key = service
    login(page, server.url, key)
    page.get_by_test_id("jobs-page").wait_for()
    with server.http(key) as http:
        answer = http.post("/v1/jobs", json={"format": "qbc", "source": BELL, "filename": "bell.qbc",
                                             "shots": 1000, "seed": 7, "tags": ["dashboard"]})
        assert answer.status_code == 202, answer.text
        job_id = answer.json()["id"]

        row = page.locator(f'[data-testid="job-row"][data-job-id="{job_id}"]')
        row.wait_for()
        page.locator(f'[data-testid="job-row"][data-job-id="{job_id}"][data-state="COMPLETED"]').wait_for(
            timeout=180_000)
        bar = row.get_by_test_id("job-progress")
        assert bar.get_attribute("data-done") == bar.get_attribute("data-total") == "1000"
        shot(page, "jobs")

        row.click()
        detail = page.locator(f'[data-testid="job-detail"][data-job-id="{job_id}"][data-state="COMPLETED"]')
        detail.wait_for()
        page.get_by_test_id("counts-table").wait_for()
        counts = {r.get_attribute("data-outcome"): int(r.get_attribute("data-count"))
                  for r in page.get_by_test_id("count-row").all()}
        assert counts == http.get(f"/v1/jobs/{job_id}/result").json()["counts"]
        assert set(counts) == {"00", "11"} and sum(counts.values()) == 1000

    image = page.get_by_test_id("schedule-img")
    image.wait_for()
    wait_for(lambda: page.evaluate("img => img.complete && img.naturalWidth > 0", image.element_handle()), 30)
    assert image.get_attribute("src").startswith("blob:")
    page.get_by_test_id("job-log").wait_for()
    shot(page, "job", full_page=True)


def test_the_submit_form_runs_a_program(service, page):
    server, key = service
    login(page, server.url, key)
    page.get_by_test_id("submit-source").fill(BELL)
    page.get_by_test_id("submit-shots").fill("200")
    page.get_by_test_id("submit-button").click()
    page.locator('[data-testid="job-detail"][data-state="COMPLETED"]').wait_for(timeout=180_000)
    page.get_by_test_id("counts-table").wait_for()
    total = sum(int(r.get_attribute("data-count")) for r in page.get_by_test_id("count-row").all())
    assert total == 200

    # a refused submission shows the problem's detail
    page.goto(f"{server.url}/#/jobs")
    page.get_by_test_id("submit-shots").fill("2000000000")
    page.get_by_test_id("submit-button").click()
    assert "shots" in page.get_by_test_id("submit-error").inner_text()


def test_the_targets_page_lists_the_devices_and_backends(service, page):
    server, key = service
    login(page, server.url, key, start="targets")
    page.get_by_test_id("targets-table").wait_for()
    zoned = page.locator('[data-testid="target-row"][data-target="zoned"]')
    assert zoned.count() == 1 and "zoned" in zoned.inner_text()
    assert page.locator('[data-testid="backend-row"][data-backend="statevector"]').count() == 1
    shot(page, "targets", full_page=True)


# ---- the lattice ----


@pytest.fixture(scope="module")
def lattice_service(tmp_path_factory):
    """`navm serve` watching a generated lattice of 5,000 nodes with a heartbeat every 2 s; a read key
    and an admin key. Skips only if the server has no lattice endpoints (404 for /v1/lattice)."""
    folder = tmp_path_factory.mktemp("dashboard-lattice")
    with fresh_database("sqlite", folder) as db_url:
        server = start_server(db_url, folder / "serve.log", "--heartbeat-every", "2s",
                              "--lattice-nodes", str(LATTICE_NODES))
        try:
            key = make_key(db_url, "acme", "submit,read")
            probe = server.http(key).get("/v1/lattice")
            if probe.status_code == 404:
                pytest.skip(f"the server has no lattice endpoints yet (GET /v1/lattice: 404 {probe.text})")
            assert probe.status_code == 200, probe.text
            _check_dashboard_served(server)
            yield server, key, make_key(db_url, "acme", "admin")
        finally:
            server.stop()


def layout(http) -> tuple[list[float], list[float], list[int]]:
    data = http.get("/v1/lattice/layout.bin").content
    n = len(data) // 12
    return (list(struct.unpack(f"<{n}f", data[:4 * n])), list(struct.unpack(f"<{n}f", data[4 * n:8 * n])),
            list(struct.unpack(f"<{n}i", data[8 * n:])))


def canvas_heartbeat(page) -> int:
    value = page.get_by_test_id("lattice-canvas").get_attribute("data-heartbeat")
    return int(value) if value else -1


def pixel_at(page, node: int) -> list[int]:
    """The canvas' colour at a node's centre."""
    return page.evaluate("""node => {
        const canvas = document.querySelector('[data-testid="lattice-canvas"]');
        const p = window.navmLattice.project(node);
        const dpr = canvas.width / canvas.getBoundingClientRect().width;
        const d = canvas.getContext('2d').getImageData(Math.round(p.x * dpr), Math.round(p.y * dpr), 1, 1).data;
        return [d[0], d[1], d[2]];
    }""", node)


def lattice_page(page, server, key) -> None:
    login(page, server.url, key, start="lattice")
    page.get_by_test_id("lattice-canvas").wait_for()
    wait_for(lambda: canvas_heartbeat(page) >= 1, 60)


class TestLattice:
    def test_the_map_draws_every_node(self, lattice_service, page):
        server, key, _ = lattice_service
        with server.http(key) as http:
            info = http.get("/v1/lattice").json()
        assert info["nodes"] == LATTICE_NODES
        lattice_page(page, server, key)
        assert page.get_by_test_id("node-count").inner_text() == f"{LATTICE_NODES:,}"
        assert page.get_by_test_id("triangle-count").inner_text() == f"{info['triangles']:,}"
        canvas = page.get_by_test_id("lattice-canvas")
        assert canvas.get_attribute("data-nodes") == str(LATTICE_NODES)
        assert canvas.get_attribute("data-drawn") == str(LATTICE_NODES)  # the whole lattice is in view
        assert page.get_by_test_id("heartbeat-id").inner_text().startswith("#")
        assert float(page.get_by_test_id("median-fidelity").inner_text()) > 0
        page.get_by_test_id("legend").wait_for()
        lit = page.evaluate("""() => {
            const c = document.querySelector('[data-testid="lattice-canvas"]');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let i = 0; i < d.length; i += 4) if (d[i] + d[i + 1] + d[i + 2] > 200) n++;
            return n;
        }""")
        assert lit > LATTICE_NODES  # every node is at least a pixel, most more

        # the search box centres a node, zoomed in to its triangle: only a few nodes are drawn
        page.get_by_test_id("node-search").fill("2500")
        page.get_by_test_id("node-search-go").click()
        page.locator('[data-testid="inspector"][data-node="2500"][data-loaded="true"]').wait_for()
        wait_for(lambda: int(canvas.get_attribute("data-drawn")) < 100, 10)
        page.get_by_test_id("node-search").fill("999999")
        page.get_by_test_id("node-search-go").click()
        assert "no node 999999" in page.get_by_test_id("node-search-error").inner_text()

    def test_a_heartbeat_recolours_the_map_and_extends_the_history(self, lattice_service, page):
        server, key, admin_key = lattice_service
        with server.http(key) as http:
            x, y, triangle = layout(http)
        node = next(i for i, t in enumerate(triangle) if t >= 0 and i > 100)
        lattice_page(page, server, key)
        page.evaluate("node => window.navmLattice.focus(node)", node)
        before = pixel_at(page, node)

        with server.http(admin_key) as admin:
            # a much noisier node (where the service models one) pulls its triangle's fidelity down
            degraded = admin.post(f"/v1/lattice/nodes/{node}:degrade", json={"scale": 30}).status_code == 200
            beat = admin.post("/v1/lattice/heartbeat")
            assert beat.status_code == 200, beat.text
            new = beat.json()["id"]
        wait_for(lambda: canvas_heartbeat(page) >= new, 60)
        wait_for(lambda: int(page.get_by_test_id("heartbeat-id").inner_text().lstrip("#")) >= new, 30)
        if degraded:
            wait_for(lambda: pixel_at(page, node) != before, 30)
        page.evaluate("() => window.navmLattice.fit()")
        time.sleep(0.3)
        shot(page, "lattice")

        page.get_by_test_id("nav-history").click()
        chart = page.get_by_test_id("history-chart")
        wait_for(lambda: int(chart.get_attribute("data-points") or 0) >= 1, 30)
        points = int(chart.get_attribute("data-points"))
        with server.http(admin_key) as admin:
            again = admin.post("/v1/lattice/heartbeat").json()["id"]
        page.locator(f'[data-testid="history-point"][data-heartbeat-id="{again}"]').wait_for(timeout=30_000)
        assert int(chart.get_attribute("data-points")) > points or points >= 200
        shot(page, "history")

    def test_clicking_a_node_opens_the_inspector(self, lattice_service, page):
        server, key, _ = lattice_service
        with server.http(key) as http:
            x, y, triangle = layout(http)
            node = next(i for i, t in enumerate(triangle) if t >= 0 and i > 200)
            expected = http.get(f"/v1/lattice/nodes/{node}").json()
        lattice_page(page, server, key)
        canvas = page.get_by_test_id("lattice-canvas")
        box = canvas.bounding_box()
        # zoom in about the node with the wheel, then click it
        for _ in range(6):
            p = page.evaluate("node => window.navmLattice.project(node)", node)
            page.mouse.move(box["x"] + p["x"], box["y"] + p["y"])
            page.mouse.wheel(0, -300)
            time.sleep(0.05)
        assert int(canvas.get_attribute("data-drawn")) < LATTICE_NODES
        p = page.evaluate("node => window.navmLattice.project(node)", node)
        page.mouse.click(box["x"] + p["x"], box["y"] + p["y"])
        inspector = page.locator(f'[data-testid="inspector"][data-node="{node}"][data-loaded="true"]')
        inspector.wait_for()
        fidelity = float(page.get_by_test_id("inspector-fidelity").inner_text())
        assert 0 < fidelity <= 1 and math.isfinite(fidelity)
        for name in ("purity", "concurrence", "entropy"):
            assert math.isfinite(float(page.get_by_test_id(f"inspector-{name}").inner_text()))
        assert page.get_by_test_id("inspector-triangle").inner_text() == str(expected["triangle"])
        neighbours = page.get_by_test_id("inspector-neighbours").locator("button").all_inner_texts()
        assert sorted(int(n) for n in neighbours) == sorted(expected["neighbours"])
        assert page.get_by_test_id("inspector-routing").locator("tr").count() >= 3
        page.get_by_test_id("inspector-triangle-metrics").wait_for()
        assert int(page.get_by_test_id("sparkline").get_attribute("data-points")) >= 1
        shot(page, "lattice-inspector")

    def test_the_alerts_page_lists_alerts(self, lattice_service, page):
        server, key, _ = lattice_service
        login(page, server.url, key, start="alerts")
        page.get_by_test_id("alerts-table").wait_for()
        page.get_by_test_id("alerts-state").select_option("all")
        with server.http(key) as http:
            expected = http.get("/v1/lattice/alerts", params={"state": "all"}).json()["alerts"]
        if expected:
            page.get_by_test_id("alert-row").first.wait_for()
            wait_for(lambda: page.get_by_test_id("alert-row").count() >= len(expected), 30)
        else:
            page.get_by_test_id("alerts-empty").wait_for()
        shot(page, "alerts")
