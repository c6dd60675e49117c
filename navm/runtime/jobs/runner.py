"""Running one job in a worker: compile, run in checkpointed segments, keep the result and the
artifacts, all writes fenced by the job's token (navm.runtime.jobs.store).

Shots run in segments of `checkpoint_shots` (a job option; by default all shots up to 100,000 in
one). Segment k samples with the seed derived from (seed, k) by NumPy's SeedSequence — the random
state is the segment index — and after each segment the counts so far are the checkpoint, so a job
killed and resumed gives exactly the result of one run straight through. A job of one segment
samples with its own seed, as `navm run --seed` does, and its result is `navm run --json`'s object.
"""

from __future__ import annotations

import io
import json
import resource
import time
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import update

from navm.diagnostics import NavmError
from navm.runtime.jobs import states as S
from navm.runtime.jobs.database import Database
from navm.runtime.jobs.schema import jobs
from navm.runtime.jobs.store import add_event, put_artifact, record_usage, transition

LANGUAGES = {"qbc": "qbc", "sigma": "sigma", "qasm2": "qasm2"}
DEFAULT_SEGMENT_SHOTS = 100_000
PROGRESS_EVERY_S = 0.25
NO_FILE_READS = ("a program sent to the service cannot read files on the server; "
                 "send one self-contained source")


class Lost(Exception):
    """The job is no longer this worker's (cancelled, or requeued after a restart)."""


def diagnostic(err: NavmError) -> dict:
    """A user error as fields: what the CLI prints, and where."""
    loc = err.loc
    return {"message": err.message, "file": loc.file if loc else None, "line": loc.line if loc else None,
            "column": loc.column if loc else None, "notes": list(err.notes), "rendered": err.render()}


def compile_job(job: dict, extra_pass_options: tuple[str, ...] = ()):
    """The job's program compiled as it asked (a job row, or a JobSpec as a dict): the worker's compile
    and `:validate`'s. Raises NavmError, or DynamicValueError for a dynamic circuit."""
    import navm

    options = job["options"] or {}
    return navm.compile(job["source"], job["target"], language=LANGUAGES[job["format"]], noise=job["noise"],
                        seed=options.get("compile_seed"),
                        pass_options=(*options.get("pass_options", ()), *extra_pass_options),
                        source_name=job["filename"])


def segment_seed(seed: int, index: int, segments: int) -> int:
    if segments == 1:
        return seed
    return int(np.random.SeedSequence([seed, index]).generate_state(1, dtype=np.uint32)[0])


@dataclass
class JobContext:
    """A job in the hands of a worker: fenced writes, throttled progress, the log."""

    db: Database
    job: dict
    log_lines: list[str] = field(default_factory=list)
    _last_progress: float = 0.0

    @property
    def token(self) -> int:
        return self.job["token"]

    def log_text(self) -> bytes:
        return ("\n".join(self.log_lines) + "\n").encode()

    def log(self, line: str) -> None:
        self.log_lines.append(f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} {line}")
        with self.db.write() as conn:
            self._fence(conn)
            add_event(conn, self.job["id"], "log", {"line": line})

    def _fence(self, conn, **values) -> None:
        values.setdefault("updated_at", time.time())
        done = conn.execute(update(jobs).where(jobs.c.id == self.job["id"], jobs.c.token == self.token,
                                               jobs.c.state.in_(tuple(S.ACTIVE))).values(**values)).rowcount
        if not done:
            raise Lost(self.job["id"])

    def move(self, new: str, **values) -> None:
        with self.db.write() as conn:
            if not transition(conn, self.job["id"], new, token=self.token, **values):
                raise Lost(self.job["id"])

    def progress(self, done: int, total: int, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_progress < PROGRESS_EVERY_S:
            return
        self._last_progress = now
        with self.db.write() as conn:
            self._fence(conn, progress_done=done, progress_total=total)
            add_event(conn, self.job["id"], "progress", {"done": done, "total": total})

    def checkpoint(self, state: dict, done: int, total: int) -> None:
        with self.db.write() as conn:
            self._fence(conn, checkpoint=state, progress_done=done, progress_total=total)
            add_event(conn, self.job["id"], "progress", {"done": done, "total": total, "checkpoint": True})


class _SegmentProgress:
    """navm.progress.Progress of one segment, reported as the job's shots done."""

    def __init__(self, ctx: JobContext, offset: int, total: int):
        self.ctx, self.offset, self.total, self.done = ctx, offset, total, 0

    def start(self, description: str, total: float | None = None) -> None:
        self.done = 0

    def advance(self, amount: float = 1, description: str | None = None) -> None:
        self.done += int(amount)
        self.ctx.progress(min(self.offset + self.done, self.total), self.total)

    def finish(self) -> None:
        pass


def execute(db: Database, job: dict, *, max_qubits: int | None = None) -> str:
    """Run a claimed job to its end; the state it ended in. Raises `Lost` if it was taken away."""
    from navm.frontend.source_text import forbid_file_reads

    forbid_file_reads(NO_FILE_READS)
    ctx = JobContext(db, job)
    cpu0 = _cpu_seconds()
    try:
        return _execute(ctx, cpu0, max_qubits)
    except NavmError as err:
        return _fail(ctx, "invalid-program", err.message, diagnostic(err), cpu0)
    except MemoryError:
        return _fail(ctx, "memory-limit", "the job ran out of memory", None, cpu0)


def _execute(ctx: JobContext, cpu0: float, max_qubits: int | None) -> str:
    from navm.runtime.jobs.backends import available
    from navm.runtime.vm import DynamicValueError

    job = ctx.job
    options = job["options"] or {}
    backend = available()[job["backend"]]
    ctx.log(f"attempt {job['attempts']}: compiling {job['filename']} ({job['format']}) for {job['target']}")
    t0 = time.perf_counter()
    try:
        compiled = compile_job(job)
    except DynamicValueError:
        return _run_dynamic(ctx, cpu0, max_qubits)
    ctx.log(f"compiled in {time.perf_counter() - t0:.3f} s: {compiled.num_qubits} qubits, {len(compiled.table)} rows")
    if max_qubits is not None and compiled.num_qubits > max_qubits:
        return _fail(ctx, "quota-exceeded", f"the program needs {compiled.num_qubits} qubits; the tenant's quota is "
                     f"{max_qubits}", None, cpu0)
    limit = backend.capabilities.max_qubits
    if limit is not None and compiled.num_qubits > limit:
        return _fail(ctx, "backend-capacity", f"the program needs {compiled.num_qubits} qubits; the {job['backend']} "
                     f"backend runs at most {limit}", None, cpu0)
    _compile_artifacts(ctx, compiled)
    ctx.move(S.RUNNING)
    total = int(job["shots"])
    per = int(options.get("checkpoint_shots") or min(total, DEFAULT_SEGMENT_SHOTS) or 1)
    segments = max(1, -(-total // per))
    point = job.get("checkpoint") or {"segment": 0, "done": 0, "counts": {}}
    if point["segment"]:
        ctx.log(f"resuming at segment {point['segment']} of {segments} ({point['done']:,} shots done)")
    counts: dict[str, int] = dict(point["counts"])
    done, result, run_s = int(point["done"]), None, 0.0
    for k in range(point["segment"], segments):
        shots = min(per, total - k * per)
        t1 = time.perf_counter()
        result = backend.run(compiled, shots=shots, seed=segment_seed(int(job["seed"]), k, segments), options=options,
                             progress=_SegmentProgress(ctx, done, total))
        run_s += time.perf_counter() - t1
        for bits, n in result.counts.items():
            counts[bits] = counts.get(bits, 0) + n
        done += shots
        if k + 1 < segments:
            ctx.checkpoint({"segment": k + 1, "done": done, "counts": counts}, done, total)
    if result is None:  # zero shots
        result = backend.run(compiled, shots=0, seed=int(job["seed"]), options=options)
    result.counts, result.shots, result.seed = counts, total, int(job["seed"])
    return _complete(ctx, result, compiled.num_qubits, run_s, cpu0)


def _run_dynamic(ctx: JobContext, cpu0: float, max_qubits: int | None) -> str:
    import navm
    from navm.runtime.dynamic.state import MAX_QUBITS, QubitLimit

    job = ctx.job
    if job["backend"] not in ("statevector",):
        raise NavmError(f"the {job['backend']} backend cannot run a dynamic circuit (control flow that depends on "
                        "measurements); use the statevector backend")
    ctx.log("a dynamic circuit: running it shot by shot on the VM and the simulator")
    ctx.move(S.RUNNING)
    t1 = time.perf_counter()
    try:
        result = navm.run(job["source"], job["target"], language=LANGUAGES[job["format"]], shots=int(job["shots"]),
                          seed=int(job["seed"]), noise=job["noise"], source_name=job["filename"], max_qubits=max_qubits)
    except QubitLimit as err:
        if max_qubits is None or max_qubits >= MAX_QUBITS:
            raise
        return _fail(ctx, "quota-exceeded", f"a shot needs more than {max_qubits} qubits; the tenant's quota is "
                     f"{max_qubits}", diagnostic(err), cpu0)
    return _complete(ctx, result, 0, time.perf_counter() - t1, cpu0)


def _compile_artifacts(ctx: JobContext, compiled) -> None:
    from navm.backends.report.svg import schedule_svg
    from navm.devices import load_profile

    profile = load_profile(compiled.device)
    made = {"compiled.mlir": ("text/plain; charset=utf-8", compiled.ir().encode())}
    try:
        made["schedule.svg"] = ("image/svg+xml", schedule_svg(compiled.schedule(), profile,
                                                              module=compiled.module).encode())
    except NavmError as err:
        ctx.log(f"no schedule picture: {err.message}")
    if profile.zoned:
        try:
            from navm.backends.naviz import module_to_naviz

            made["program.naviz"] = ("text/plain; charset=utf-8", module_to_naviz(compiled.module, profile).encode())
        except NavmError as err:
            ctx.log(f"no .naviz: {err.message}")
    with ctx.db.write() as conn:
        ctx._fence(conn)
        for name, (media, content) in made.items():
            put_artifact(conn, ctx.job["id"], name, media, content)


def _complete(ctx: JobContext, result, num_qubits: int, run_s: float, cpu0: float) -> str:
    from navm.api import run_result_json

    out = run_result_json(result)
    made = {"result.json": ("application/json", json.dumps(out, indent=2).encode())}
    if result.records is not None:
        text = "\n".join("".join(map(str, row)) for row in np.asarray(result.records, dtype=np.uint8).tolist())
        made["records.txt"] = ("text/plain; charset=utf-8", (text + "\n").encode() if text else b"")
    if result.state is not None:
        buf = io.BytesIO()
        np.save(buf, np.asarray(result.state))
        made["state.npy"] = ("application/octet-stream", buf.getvalue())
    ctx.log(f"completed: {result.shots:,} shots on {result.backend} in {run_s:.3f} s")
    made["log.txt"] = ("text/plain; charset=utf-8", ctx.log_text())
    with ctx.db.write() as conn:
        ctx._fence(conn, progress_done=result.shots, progress_total=result.shots)
        for name, (media, content) in made.items():
            put_artifact(conn, ctx.job["id"], name, media, content)
        usage = record_usage(conn, ctx.job, S.COMPLETED, result.shots, _cpu_seconds() - cpu0, num_qubits * run_s)
        if not transition(conn, ctx.job["id"], S.COMPLETED, token=ctx.token, result=out, checkpoint=None,
                          event={"usage": usage}):
            raise Lost(ctx.job["id"])
    return S.COMPLETED


def _fail(ctx: JobContext, kind: str, detail: str, diag: dict | None, cpu0: float) -> str:
    failure = {"type": kind, "detail": detail, "diagnostic": diag}
    ctx.log_lines.append(f"failed: {detail}")
    with ctx.db.write() as conn:
        put_artifact(conn, ctx.job["id"], "log.txt", "text/plain; charset=utf-8",
                     ctx.log_text())
        usage = record_usage(conn, ctx.job, S.FAILED, 0, _cpu_seconds() - cpu0, 0.0)
        if not transition(conn, ctx.job["id"], S.FAILED, token=ctx.token, failure=failure,
                          event={"failure": failure, "usage": usage}):
            raise Lost(ctx.job["id"])
    return S.FAILED


def _cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
