"""`navm serve`, `navm keys` and `navm tenants` refuse bad options with exit 2 before starting anything."""

from __future__ import annotations

import pytest

from tests.helpers import run_cli


@pytest.mark.parametrize("args, message", [
    (("serve", "--workers", "0"), "--workers must be 1 or more"),
    (("serve", "--executor", "cloud"), "--executor"),
    (("serve", "--db", "mysql://x"), "use postgresql://"),
    (("serve", "--lattice-nodes", "2"), "--lattice-nodes must be between 3 and 1,000,000"),
    (("serve", "--heartbeat-every", "abc"), "--heartbeat-every abc: write a duration"),
    (("serve", "--heartbeat-every", "1ms"), "at least 50ms"),
    (("serve", "--lattice-nodes", "30", "--lattice-table", "x.bin"), "give one"),
    (("serve", "--lattice-table", "/nonexistent.bin"), "cannot read routing table"),
    (("serve", "--heartbeat-keep", "0", "--lattice-nodes", "30"), "--heartbeat-keep must be 1 or more"),
    (("keys", "create", "--tenant", "a b"), "--tenant 'a b'"),
    (("keys", "create", "--tenant", "acme", "--scopes", "root"), "unknown scope 'root'"),
    (("tenants", "set", "bad/name"), "tenant 'bad/name'"),
    (("tenants", "set", "acme", "--max-running", "-1"), "--max-running must be 0 or more"),
])
def test_bad_options_are_exit_2(args, message, tmp_path, capsys):
    where = () if "--db" in args else ("--data", str(tmp_path / "data"))  # never the working folder
    rc, _, err = run_cli(*args, *where, capsys=capsys)
    assert rc == 2, err
    assert message in err and "Traceback" not in err
