// The jobs page: the tenant's jobs, newest first (polled), with a live progress bar for each job that
// is still running (from its event stream), and a form that submits a QBC program.
import { useCallback, useEffect, useState } from "react";
import { getJSON, postJSON, TERMINAL, type Job } from "../api";
import { ErrorBox } from "../components/Problem";
import { ProgressBar } from "../components/ProgressBar";
import { useJobEvents } from "../jobs";
import { fmtInt, fmtTime } from "../format";
import { navigate } from "../router";

const POLL_MS = 2000;
/** at most this many job event streams at once: a browser keeps only 6 connections to a server */
const MAX_STREAMS = 3;

const BELL = `; a Bell pair: r0 == r1
.isa 1.0
        QLOC    q0, 0.0, 0.0
        QLOC    q1, 5.0, 0.0
        QH      q0
        QCX     q0, q1
        QMEAS   q0, r0
        QMEAS   q1, r1
        QHALT
`;

function JobRow({ job, stream }: { job: Job; stream: boolean }) {
  const live = useJobEvents(job.id, stream && !TERMINAL.has(job.state));
  // the list is polled; a live event is newer unless the list already shows the job ended
  const state = TERMINAL.has(job.state) ? job.state : (live.state ?? job.state);
  const done = TERMINAL.has(job.state) ? job.progress.done : (live.done ?? job.progress.done);
  const total = live.total ?? job.progress.total;
  return (
    <tr
      className="clickable"
      data-testid="job-row"
      data-job-id={job.id}
      data-state={state}
      onClick={() => navigate(`/jobs/${job.id}`)}
    >
      <td className="mono">
        <a href={`#/jobs/${job.id}`}>{job.id}</a>
      </td>
      <td>
        <span className={`badge state-${state.toLowerCase()}`} data-testid="job-state">
          {state}
        </span>
      </td>
      <td className="progress-cell">
        <ProgressBar done={done} total={total} state={state} testId="job-progress" />
      </td>
      <td>{job.filename}</td>
      <td>{job.target}</td>
      <td>{job.backend}</td>
      <td>{fmtInt(job.shots)}</td>
      <td>{fmtTime(job.created_at)}</td>
      <td>{job.tags.join(", ")}</td>
    </tr>
  );
}

interface TargetSummary {
  name: string;
  backends: Record<string, { available: boolean }>;
}

function SubmitForm() {
  const [source, setSource] = useState(BELL);
  const [shots, setShots] = useState("1000");
  const [target, setTarget] = useState("zoned");
  const [backend, setBackend] = useState("statevector");
  const [targets, setTargets] = useState<TargetSummary[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    getJSON<{ targets: TargetSummary[] }>("/v1/targets")
      .then((answer) => setTargets(answer.targets))
      .catch(() => setTargets([]));
  }, []);

  const backends = Object.entries(targets.find((t) => t.name === target)?.backends ?? {})
    .filter(([, b]) => b.available)
    .map(([name]) => name);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    const count = Number(shots);
    if (!Number.isInteger(count) || count < 0) {
      setError(new Error("shots: a whole number, 0 or more"));
      return;
    }
    setBusy(true);
    try {
      const job = await postJSON<Job>("/v1/jobs", { format: "qbc", source, shots: count, target, backend });
      navigate(`/jobs/${job.id}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="submit-form" onSubmit={submit} data-testid="submit-form">
      <h2>Submit a QBC program</h2>
      <textarea
        value={source}
        onChange={(e) => setSource(e.target.value)}
        rows={10}
        spellCheck={false}
        data-testid="submit-source"
        aria-label="QBC source"
      />
      <div className="row">
        <label>
          shots{" "}
          <input value={shots} onChange={(e) => setShots(e.target.value)} inputMode="numeric" data-testid="submit-shots" />
        </label>
        <label>
          target{" "}
          <select value={target} onChange={(e) => setTarget(e.target.value)} data-testid="submit-target">
            {(targets.length ? targets.map((t) => t.name) : ["zoned"]).map((name) => (
              <option key={name}>{name}</option>
            ))}
          </select>
        </label>
        <label>
          backend{" "}
          <select value={backend} onChange={(e) => setBackend(e.target.value)} data-testid="submit-backend">
            {(backends.length ? backends : ["statevector"]).map((name) => (
              <option key={name}>{name}</option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={busy} data-testid="submit-button">
          {busy ? "Submitting…" : "Submit"}
        </button>
      </div>
      <ErrorBox error={error} testId="submit-error" />
    </form>
  );
}

export function JobsPage() {
  const [jobs, setJobs] = useState<Job[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [older, setOlder] = useState<Job[]>([]);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(async () => {
    try {
      const page = await getJSON<{ jobs: Job[]; next_cursor: string | null }>("/v1/jobs?limit=50");
      setJobs(page.jobs);
      setCursor((c) => c ?? page.next_cursor);
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, []);

  useEffect(() => {
    void load();
    const timer = window.setInterval(() => void load(), POLL_MS);
    return () => window.clearInterval(timer);
  }, [load]);

  const more = async () => {
    if (!cursor) return;
    try {
      const page = await getJSON<{ jobs: Job[]; next_cursor: string | null }>(
        `/v1/jobs?limit=50&cursor=${encodeURIComponent(cursor)}`,
      );
      setOlder((o) => [...o, ...page.jobs]);
      setCursor(page.next_cursor);
    } catch (err) {
      setError(err);
    }
  };

  const seen = new Set<string>();
  const all = [...(jobs ?? []), ...older].filter((j) => (seen.has(j.id) ? false : (seen.add(j.id), true)));
  let streams = 0;
  return (
    <div className="page" data-testid="jobs-page">
      <h1>Jobs</h1>
      <ErrorBox error={error} />
      <table className="table" data-testid="jobs-table">
        <thead>
          <tr>
            <th>job</th>
            <th>state</th>
            <th>progress</th>
            <th>program</th>
            <th>target</th>
            <th>backend</th>
            <th>shots</th>
            <th>created</th>
            <th>tags</th>
          </tr>
        </thead>
        <tbody>
          {jobs !== null && all.length === 0 && (
            <tr>
              <td colSpan={9} className="muted" data-testid="jobs-empty">
                no jobs yet
              </td>
            </tr>
          )}
          {all.map((job) => {
            const stream = !TERMINAL.has(job.state) && job.state !== "CREATED" && streams < MAX_STREAMS;
            if (stream) streams++;
            return <JobRow key={job.id} job={job} stream={stream} />;
          })}
        </tbody>
      </table>
      {cursor && (
        <button onClick={more} data-testid="jobs-more">
          Older jobs
        </button>
      )}
      <SubmitForm />
    </div>
  );
}
