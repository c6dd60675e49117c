"""A worker process: takes jobs from its executor one at a time and runs them (navm.runtime.jobs.runner).

Workers are spawned, never forked (JAX's threads do not survive a fork), and ask the kernel to end
them when the server that spawned them dies (PR_SET_PDEATHSIG), so a killed server leaves no worker
writing behind its back; the job's token fences any write that would still get through.
"""

from __future__ import annotations

import ctypes
import os
import signal
import traceback

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:  # not Linux: the token still fences a stray worker's writes
        pass


def run_claimed(db, job: dict, max_qubits: int | None) -> str:
    """Run one claimed job; an unexpected error ends it FAILED (internal-error) rather than in limbo."""
    from navm.runtime.jobs import states as S
    from navm.runtime.jobs.runner import Lost, execute
    from navm.runtime.jobs.store import put_artifact, transition

    try:
        return execute(db, job, max_qubits=max_qubits)
    except Lost:
        return "LOST"
    except Exception as err:  # a bug in navm: the job says so; the traceback goes to its log, not to the client
        failure = {"type": "internal-error", "detail": f"navm failed on this job ({type(err).__name__}); "
                   "the error is in the server's log", "diagnostic": None}
        with db.write() as conn:
            if transition(conn, job["id"], S.FAILED, token=job["token"], failure=failure, event={"failure": failure}):
                put_artifact(conn, job["id"], "log.txt", "text/plain; charset=utf-8", traceback.format_exc().encode())
        import logging

        logging.getLogger("navm.jobs").exception("job %s: internal error", job["id"])
        return S.FAILED


def worker_main(db_url: str, conn, parent_pid: int) -> None:
    """The process: receive (job, max_qubits), run it, answer (job id, end state); None stops it."""
    die_with_parent()
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(0)
    from navm.runtime.jobs.database import connect

    db = connect(db_url)
    conn.send(("ready", os.getpid()))
    while True:
        message = conn.recv()
        if message is None:
            break
        job, max_qubits = message
        conn.send(("done", job["id"], run_claimed(db, job, max_qubits)))
    db.dispose()
