"""The job store on SQLite and PostgreSQL: the migrated schema is the code's, state changes follow
the transition table, a worker's writes are fenced by its token, claims are fair across tenants,
and a restart requeues what the last server held."""

from __future__ import annotations

import pytest

from navm.runtime.jobs import states as S
from navm.runtime.jobs.database import open_database
from navm.runtime.jobs.store import (JobSpec, StoreError, cancel_job, claim_next, create_job, events_after, get_job,
                                     recover, transition)
from navm.runtime.jobs.tenants import authenticate, create_key, quotas, revoke_key, set_quotas
from tests.runtime.service_support import fresh_database

SPEC = JobSpec("qbc", "QH q0\nQMEAS q0, r1\n", "p.qbc", "zoned", "statevector", 10, 0)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    with fresh_database(request.param, tmp_path) as url:
        database = open_database(url)
        yield database
        database.dispose()


def new_job(db, tenant="acme", **kw):
    set_quotas(db, tenant)
    return create_job(db, tenant, SPEC, quotas(db, tenant), **kw)[0]


def test_the_migrated_schema_is_the_codes(db):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from navm.runtime.jobs.schema import metadata

    with db.writer.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    open_database(db.url).dispose()  # migrating again changes nothing


def test_every_transition_follows_the_table(db):
    job = new_job(db)
    with db.write() as conn:
        assert not transition(conn, job["id"], S.RUNNING)  # QUEUED cannot run before it compiles
        assert not transition(conn, job["id"], S.COMPLETED)
    claimed = claim_next(db, "w")
    assert claimed["id"] == job["id"] and claimed["state"] == S.COMPILING and claimed["token"] == 1
    with db.write() as conn:
        assert transition(conn, job["id"], S.RUNNING, token=1)
        assert transition(conn, job["id"], S.COMPLETED, token=1)
        assert not transition(conn, job["id"], S.QUEUED)  # a completed job stays completed
    assert [e["data"]["state"] for e in events_after(db, job["id"], 0)] == ["QUEUED", "COMPILING", "RUNNING",
                                                                           "COMPLETED"]
    for old, targets in S.TRANSITIONS.items():
        assert all(t in S.STATES for t in targets)
    assert not S.TRANSITIONS[S.COMPLETED] and not S.TRANSITIONS[S.CANCELLED]


def test_a_stale_workers_writes_are_fenced(db):
    job = new_job(db)
    first = claim_next(db, "w1")
    assert recover(db, max_attempts=3) == {S.QUEUED: 1}  # the server restarted
    second = claim_next(db, "w2")
    assert second["token"] == first["token"] + 1 and second["attempts"] == 2
    with db.write() as conn:
        assert not transition(conn, job["id"], S.RUNNING, token=first["token"])  # the old worker lost it
        assert transition(conn, job["id"], S.RUNNING, token=second["token"])


def test_recovery_gives_up_after_the_attempt_limit(db):
    job = new_job(db)
    for _ in range(2):
        claim_next(db, "w")
        recover(db, max_attempts=2)
    got = get_job(db, job["id"])
    assert got["state"] == S.FAILED and got["failure"]["type"] == "attempts-exhausted"


def test_claims_are_fair_across_tenants(db):
    a = [new_job(db, "a") for _ in range(3)]
    b = [new_job(db, "b") for _ in range(2)]
    order = [claim_next(db, "w")["id"] for _ in range(4)]
    assert order == [a[0]["id"], b[0]["id"], a[1]["id"], b[1]["id"]]


def test_the_running_quota_holds_jobs_back(db):
    set_quotas(db, "one", max_running=1)
    jobs = [create_job(db, "one", SPEC, quotas(db, "one"))[0] for _ in range(2)]
    assert claim_next(db, "w")["id"] == jobs[0]["id"]
    assert claim_next(db, "w") is None


def test_the_queued_quota_refuses_jobs(db):
    set_quotas(db, "small", max_queued=1)
    create_job(db, "small", SPEC, quotas(db, "small"))
    with pytest.raises(StoreError) as err:
        create_job(db, "small", SPEC, quotas(db, "small"))
    assert err.value.kind == "quota-exceeded" and err.value.status == 429


def test_cancel_is_immediate_for_waiting_jobs_and_idempotent(db):
    job = new_job(db)
    assert cancel_job(db, job["id"], "acme")["state"] == S.CANCELLED
    assert cancel_job(db, job["id"], "acme")["state"] == S.CANCELLED
    assert cancel_job(db, job["id"], "other") is None
    running = new_job(db)
    claim_next(db, "w")
    assert cancel_job(db, running["id"], "acme")["state"] == S.CANCELLING
    recover(db, 3)
    assert get_job(db, running["id"])["state"] == S.CANCELLED


def test_keys_are_stored_as_hashes_and_can_be_revoked(db):
    from sqlalchemy import select

    from navm.runtime.jobs.schema import api_keys

    key = create_key(db, "acme", frozenset({"read"}))
    who = authenticate(db, key)
    assert who.tenant == "acme" and who.scopes == {"read"}
    with db.read() as conn:
        stored = conn.execute(select(api_keys.c.hash)).scalars().all()
    assert key.rsplit("_", 1)[-1] not in " ".join(stored)
    assert authenticate(db, key[:-1] + ("A" if key[-1] != "A" else "B")) is None
    assert authenticate(db, "not-a-key") is None
    assert revoke_key(db, who.key_id)
    assert authenticate(db, key) is None
