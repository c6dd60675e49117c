"""`navm health` from the command line: a heartbeat stored and read back, and every kind of bad input
an error with exit 2 and no traceback."""

from __future__ import annotations

import json

import pytest

from tests.helpers import run_cli


def test_run_store_show_history_alerts(tmp_path, capsys):
    data = str(tmp_path / "data")
    rc, out, err = run_cli("health", "run", "--nodes", "300", "--data", data, "--json", capsys=capsys)
    assert rc == 0, err
    assert json.loads(out)["id"] == 1
    rc, out, err = run_cli("health", "run", "--nodes", "300", "--degrade", "40=25", "--data", data, "--json",
                           capsys=capsys)
    stored = json.loads(out)
    assert rc == 0 and stored["alerts_opened"] == 3 and stored["below_threshold"]["nodes"] == 3
    rc, out, _ = run_cli("health", "alerts", "--data", data, "--json", capsys=capsys)
    assert rc == 0 and 40 in [a["node"] for a in json.loads(out)]
    rc, out, _ = run_cli("health", "show", "--data", data, "--node", "40", "--json", capsys=capsys)
    assert rc == 0 and json.loads(out)["node"]["fidelity"] < 0.9
    rc, out, _ = run_cli("health", "history", "--data", data, "--node", "40", "--json", capsys=capsys)
    points = json.loads(out)
    assert rc == 0 and len(points) == 2 and points[0]["fidelity"] > 0.9 > points[1]["fidelity"]


@pytest.mark.parametrize("args, message", [
    (("run", "--nodes", "2"), "--nodes must be between 3 and 1,000,000"),
    (("run",), "give the lattice"),
    (("run", "--nodes", "30", "--table", "x.bin"), "give the lattice"),
    (("run", "--nodes", "30", "--degrade", "x"), "write NODE=SCALE"),
    (("run", "--nodes", "30", "--degrade", "999=2"), "no node 999"),
    (("run", "--nodes", "30", "--degrade", "3=-1"), "must be a number >= 0"),
    (("run", "--nodes", "30", "--shots", "-1"), "--shots must be 0 or more"),
    (("run", "--table", "missing.bin"), "missing.bin"),
])
def test_bad_input_is_exit_2(args, message, capsys):
    rc, _, err = run_cli("health", *args, capsys=capsys)
    assert rc == 2 and message in err and "Traceback" not in err


def test_reading_an_empty_store_says_so(tmp_path, capsys):
    rc, _, err = run_cli("health", "show", "--data", str(tmp_path / "empty"), capsys=capsys)
    assert rc == 2 and "no heartbeat is stored there yet" in err
