"""`navm routes build|show|find|route`: output, JSON, and the error contract (exit 2, one line, no traceback)."""

from __future__ import annotations

import json

import pytest

from navm.backends.routing_table import encode, from_device, from_program, load
from tests.backends.routing_table.tables import RING, RING_BASE
from tests.helpers import TESTS, run_cli

EXAMPLE = TESTS.parent / "examples" / "routes" / "test-small.bin"


def routes(*args, capsys):
    return run_cli("routes", *map(str, args), capsys=capsys)


def test_build_from_device(tmp_path, capsys):
    out_path = tmp_path / "small.bin"
    rc, out, err = routes("build", "--device", "test-small", "-o", out_path, capsys=capsys)
    assert rc == 0 and err == ""
    assert out == f"wrote 13 entries (2 triangles) to {out_path}: binary routing table, format 1, 2176 bytes\n"
    assert out_path.read_bytes() == encode(from_device("test-small"))


def test_build_json_with_node_count_and_summary(tmp_path, capsys):
    out_path = tmp_path / "small.json"
    rc, out, _ = routes("build", "--device", "square-16x16", "--nodes", 20, "-o", out_path, "--json", capsys=capsys)
    assert rc == 0
    assert json.loads(out) == {"output": str(out_path), "format": "json", "version": 1, "entries": 20,
                               "triangles": 2, "bytes": out_path.stat().st_size}
    assert load(out_path) == from_device("square-16x16", 20)


def test_build_from_program(tmp_path, capsys):
    out_path = tmp_path / "ring.bin"
    rc, out, err = routes("build", "--program", RING, "--base", hex(RING_BASE), "--count", 6, "--engine",
                          "reference", "-o", out_path, capsys=capsys)
    assert rc == 0, err
    assert "wrote 6 entries (2 triangles)" in out
    assert load(out_path) == from_program(RING, RING_BASE, 6, engine="reference")
    rc, _, err = routes("build", "--program", RING, "--base", RING_BASE, "--count", 6, "-o", out_path,
                        capsys=capsys)  # decimal base, default (compiled) engine
    assert rc == 0, err


def test_show_summary_and_first_entries(capsys):
    rc, out, _ = routes("show", EXAMPLE, "--limit", 2, capsys=capsys)
    assert rc == 0
    lines = out.splitlines()
    assert lines[0] == f"{EXAMPLE}: routing table format 1, 13 entries, 2 triangles"
    header = next(line for line in lines if "node" in line)
    assert header.split() == ["node", "site", "x", "µm", "y", "µm", "σ", "j", "tri", "record", "fidelity",
                              "neighbours"]
    rows = [line.split() for line in lines if line.strip()[:1].isdigit()]
    assert rows[0] == ["0", "0", "0", "0", "0", "1728.0+0.0i", "0", "0x0", "0.985", "1", "3", "4"]
    assert [r[0] for r in rows] == ["0", "1"]
    assert lines[-1] == "(first 2 of 13 entries; --limit N shows more)"


def test_show_node_and_json(capsys):
    rc, out, _ = routes("show", EXAMPLE, "--node", 4, "--json", capsys=capsys)
    assert rc == 0
    value = json.loads(out)
    assert (value["count"], value["triangles"], value["version"]) == (13, 2, 1)
    assert value["entries"] == [from_device("test-small").find_node(4)]
    rc, out, _ = routes("show", EXAMPLE, "--json", capsys=capsys)
    assert len(json.loads(out)["entries"]) == 13
    rc, out, _ = routes("show", EXAMPLE, "--limit", 0, "--json", capsys=capsys)
    assert json.loads(out)["entries"] == []


def test_find(capsys):
    rc, out, _ = routes("find", EXAMPLE, "--sigma", 7.9, "--json", capsys=capsys)
    value = json.loads(out)
    assert rc == 0 and value["query"] == {"sigma": 7.9}
    assert [e["node_id"] for e in value["entries"]] == [0]  # wraps: 7.9 is 0.1 from σ = 0
    assert value["entries"][0]["distance"] == pytest.approx(0.1)
    rc, out, _ = routes("find", EXAMPLE, "--j=-1728,0", "--json", capsys=capsys)
    value = json.loads(out)
    assert value["query"] == {"j": [-1728.0, 0.0]} and value["entries"][0]["node_id"] in (6, 7)
    rc, out, _ = routes("find", EXAMPLE, "--triangle", 1, "--json", capsys=capsys)
    assert [e["node_id"] for e in json.loads(out)["entries"]] == [2, 4, 5]
    rc, out, _ = routes("find", EXAMPLE, "--triangle", 1, capsys=capsys)
    assert rc == 0 and [line.split()[0] for line in out.splitlines() if line.strip()[:1].isdigit()] == ["2", "4", "5"]
    rc, out, _ = routes("find", EXAMPLE, "--sigma", 3, capsys=capsys)
    assert rc == 0 and "σ distance" in out


def test_route(capsys):
    rc, out, _ = routes("route", EXAMPLE, 0, 8, capsys=capsys)
    assert rc == 0
    assert out.splitlines()[0] == "route 0 → 8: 2 hops, 14.1421 µm, fidelity 0.970225, cost 0.0443694 (L = 1000 µm)"
    steps = [line.split() for line in out.splitlines()[1:] if line.strip()[:1].isdigit()]
    assert [s[1] for s in steps] == ["0", "4", "8"]
    rc, out, _ = routes("route", EXAMPLE, 0, 8, "--scale-um", 10, "--json", capsys=capsys)
    value = json.loads(out)
    assert value["nodes"] == [0, 4, 8] and value["distance_scale_um"] == 10.0 and value["hops"] == 2


ERRORS = [
    (["build", "-o", "x.bin"], "routes build needs exactly one source: --device NAME or --program FILE.qbc"),
    (["build", "--device", "square-16x16", "--program", "p.qbc", "-o", "x.bin"], "exactly one source"),
    (["build", "--device", "square-16x16", "--base", "8", "-o", "x.bin"], "--base only go with --program"),
    (["build", "--device", "square-16x16", "--nodes", "0", "-o", "x.bin"], "the node count (--nodes) must be between 1"),
    (["build", "--device", "nope", "-o", "x.bin"], "unknown device profile 'nope'"),
    (["build", "--program", str(RING), "--nodes", "3", "-o", "x.bin"], "--nodes only goes with --device"),
    (["build", "--program", str(RING), "--count", "3", "-o", "x.bin"], "--program needs --base ADDR and --count N"),
    (["build", "--program", str(RING), "--base", "zz", "--count", "3", "-o", "x.bin"],
     "--base must be an address (decimal, or hex like 0x10000), got 'zz'"),
    (["build", "--program", str(RING), "--base", "0x10000", "--count", "-1", "-o", "x.bin"], "--count must be >= 0"),
    (["build", "--program", str(RING), "--base", "0x10000", "--count", "6", "--engine", "fast", "-o", "x.bin"],
     "unknown VM engine 'fast'"),
    (["build", "--device", "square-16x16", "-o", "x.txt"], "cannot tell the routing-table format of 'x.txt'"),
    (["show", "missing.bin"], "cannot read routing table 'missing.bin'"),
    (["show", str(EXAMPLE), "--node", "99"], "the routing table has no node 99 (13 entries, ids 0..12)"),
    (["show", str(EXAMPLE), "--node", "1", "--limit", "3"], "use --node K or --limit N, not both"),
    (["show", str(EXAMPLE), "--limit", "-1"], "--limit must be >= 0"),
    (["find", str(EXAMPLE)], "routes find needs exactly one of --sigma S, --j RE,IM or --triangle T"),
    (["find", str(EXAMPLE), "--sigma", "1", "--triangle", "0"], "(got --sigma, --triangle)"),
    (["find", str(EXAMPLE), "--j", "1,2,3"], "--j takes two numbers RE,IM (e.g. --j 0,1728), got '1,2,3'"),
    (["find", str(EXAMPLE), "--j", "a,b"], "--j takes two numbers"),
    (["find", str(EXAMPLE), "--sigma", "nan"], "sigma must be a finite number"),
    (["find", str(EXAMPLE), "--triangle", "5"], "is in triangle 5 (it has 2 triangles)"),
    (["route", str(EXAMPLE), "0", "10"], "no route from node 0 to node 10"),
    (["route", str(EXAMPLE), "0", "1", "--scale-um", "-1"], "the distance scale must be a positive number"),
]


@pytest.mark.parametrize("args, message", ERRORS, ids=[" ".join(a[:1] + a[-2:]) for a, _ in ERRORS])
def test_user_errors_exit_2(args, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    rc, out, err = run_cli("routes", *args, capsys=capsys)
    assert rc == 2, err
    assert err.startswith("error: ") and message in err
    assert "Traceback" not in err and out == ""
    assert not list(tmp_path.iterdir())  # nothing written


def test_usage_errors_exit_2(capsys):
    rc, _, err = run_cli("routes", "show", capsys=capsys)
    assert rc == 2 and "error: missing argument FILE" in err
    rc, _, err = run_cli("routes", "frobnicate", capsys=capsys)
    assert rc == 2


def test_help_lists_the_commands(capsys):
    rc, out, _ = run_cli("routes", "--help", capsys=capsys)
    assert rc == 0
    for name in ("build", "show", "find", "route"):
        assert name in out
