"""The service's documentation runs: every ```python block after `<!-- service-example -->` in
docs/service.md and docs/client.md is executed, in order, against one real `navm serve` (a SQLite
database of its own), with `url` (the server), `key` (an API key with the submit and read scopes)
and `admin_key` (the admin scope, same tenant) defined. A document's blocks share one namespace, so
a later block uses what an earlier one made; each document acts for a tenant of its own, so their
jobs and quotas never mix."""

from __future__ import annotations

import re
import traceback

import pytest

from tests.runtime.service_support import ROOT, fresh_database, make_key, start_server

SERVICE_BLOCK = re.compile(r"<!-- service-example -->\s*```python\n(.*?)```", re.S)
DOCS = [ROOT / "docs" / "service.md", ROOT / "docs" / "client.md"]


def service_blocks(doc) -> list[str]:
    return SERVICE_BLOCK.findall(doc.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def docs_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("service-docs")
    with fresh_database("sqlite", folder) as db_url:
        server = start_server(db_url, folder / "serve.log", "--workers", "2")
        try:
            yield server
        finally:
            server.stop()


@pytest.mark.parametrize("doc", DOCS, ids=lambda d: d.name)
def test_service_examples_run(doc, docs_server, tmp_path, monkeypatch):
    blocks = service_blocks(doc)
    assert len(blocks) >= 5, f"{doc.name}: expected service examples"
    monkeypatch.chdir(ROOT)
    tenant = f"docs-{doc.stem}"
    namespace = {"__name__": "__doc_example__", "url": docs_server.url,
                 "key": make_key(docs_server.db_url, tenant=tenant),
                 "admin_key": make_key(docs_server.db_url, tenant=tenant, scopes="admin")}
    for number, code in enumerate(blocks, 1):
        first_line = code.strip().splitlines()[0]
        # written to a file so that code which reads its own source (a Kirin kernel's decorator) can
        script = tmp_path / f"{doc.stem}_example_{number}.py"
        script.write_text(code, encoding="utf-8")
        try:
            exec(compile(code, str(script), "exec"), namespace)
        except Exception:
            log = docs_server.log.read_text(errors="replace")[-4000:]
            pytest.fail(f"{doc.name}, service example {number} ({first_line!r}) failed:\n"
                        f"{traceback.format_exc()}\nserver log (end):\n{log}")


@pytest.mark.parametrize("doc", DOCS, ids=lambda d: d.name)
def test_every_service_example_can_fail(doc):
    """A block without an assert would pass whatever the server answered."""
    for number, code in enumerate(service_blocks(doc), 1):
        assert re.search(r"^\s*assert\b", code, re.M), f"{doc.name}, service example {number} asserts nothing"


def test_service_docs_keep_server_commands_out_of_the_offline_tests():
    """tests/test_docs.py runs every `$ navm …` line without a server: these pages have none that
    would need one."""
    offline = re.compile(r"^\$ navm (.+)$", re.M)
    needs_server = ("serve", "submit", "jobs", "job", "result", "cancel", "watch")
    for doc in DOCS:
        for command in offline.findall(doc.read_text(encoding="utf-8")):
            assert command.split()[0] not in needs_server, f"{doc.name}: `$ navm {command}` needs a server"
