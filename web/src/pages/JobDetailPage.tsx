// One job: its fields, live state and progress (its event stream) and log, then, once it completed,
// its counts and the schedule picture (the schedule.svg artifact, fetched with the key and shown
// from a blob URL), and its other artifacts.
import { useCallback, useEffect, useState } from "react";
import { getBlob, getJSON, postJSON, TERMINAL, type Job } from "../api";
import { ErrorBox } from "../components/Problem";
import { ProgressBar } from "../components/ProgressBar";
import { useJobEvents } from "../jobs";
import { fmtInt, fmtTime } from "../format";

interface Artifact {
  name: string;
  media_type: string;
  size: number;
  href: string;
}

interface Result {
  counts: Record<string, number>;
  shots: number;
  backend: string;
  device?: string;
  schedule?: Record<string, unknown> | null;
  [key: string]: unknown;
}

const MAX_ROWS = 64;

function CountsTable({ counts, shots }: { counts: Record<string, number>; shots: number }) {
  const rows = Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const total = shots || rows.reduce((s, [, c]) => s + c, 0) || 1;
  const top = rows[0]?.[1] ?? 1;
  return (
    <>
      <table className="table counts" data-testid="counts-table" data-outcomes={rows.length}>
        <thead>
          <tr>
            <th>outcome</th>
            <th>count</th>
            <th>probability</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.slice(0, MAX_ROWS).map(([outcome, count]) => (
            <tr key={outcome} data-testid="count-row" data-outcome={outcome} data-count={count}>
              <td className="mono">{outcome}</td>
              <td>{fmtInt(count)}</td>
              <td>{(count / total).toFixed(4)}</td>
              <td className="bar-cell">
                <div className="bar" style={{ width: `${((count / top) * 100).toFixed(1)}%` }} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > MAX_ROWS && (
        <p className="muted">
          the {MAX_ROWS} most frequent of {fmtInt(rows.length)} outcomes
        </p>
      )}
    </>
  );
}

function ScheduleImage({ jobId }: { jobId: string }) {
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const controller = new AbortController();
    let objectUrl: string | null = null;
    getBlob(`/v1/jobs/${encodeURIComponent(jobId)}/artifacts/schedule.svg`, controller.signal)
      .then((blob) => {
        // served as an attachment; the <img> needs the image type to draw it
        objectUrl = URL.createObjectURL(new Blob([blob], { type: "image/svg+xml" }));
        setUrl(objectUrl);
      })
      .catch((err) => !controller.signal.aborted && setError(err));
    return () => {
      controller.abort();
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [jobId]);
  if (error) return <ErrorBox error={error} testId="schedule-error" />;
  if (!url) return <div className="loading">loading the schedule…</div>;
  return (
    <div className="schedule">
      <img src={url} alt="the job's compiled schedule" data-testid="schedule-img" />
    </div>
  );
}

async function download(jobId: string, name: string) {
  const blob = await getBlob(`/v1/jobs/${encodeURIComponent(jobId)}/artifacts/${encodeURIComponent(name)}`);
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export function JobDetailPage({ jobId }: { jobId: string }) {
  const [job, setJob] = useState<Job | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  const [artifacts, setArtifacts] = useState<Artifact[]>([]);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(async () => {
    try {
      const next = await getJSON<Job>(`/v1/jobs/${encodeURIComponent(jobId)}`);
      setJob(next);
      setError(null);
      return next;
    } catch (err) {
      setError(err);
      return null;
    }
  }, [jobId]);

  useEffect(() => {
    setJob(null);
    setResult(null);
    setArtifacts([]);
    void load();
  }, [load]);

  const terminal = job !== null && TERMINAL.has(job.state);
  const live = useJobEvents(jobId, job !== null);

  // when the stream says the job ended, read it again (finished_at, failure, progress)
  useEffect(() => {
    if (live.ended && !terminal) void load();
  }, [live.ended, terminal, load]);

  // a slow poll too, in case the stream is cut
  useEffect(() => {
    if (terminal) return;
    const timer = window.setInterval(() => void load(), 5000);
    return () => window.clearInterval(timer);
  }, [terminal, load]);

  useEffect(() => {
    if (!job || !terminal) return;
    const controller = new AbortController();
    getJSON<{ artifacts: Artifact[] }>(`/v1/jobs/${encodeURIComponent(job.id)}/artifacts`, controller.signal)
      .then((answer) => setArtifacts(answer.artifacts))
      .catch(() => undefined);
    if (job.state === "COMPLETED") {
      getJSON<Result>(`/v1/jobs/${encodeURIComponent(job.id)}/result`, controller.signal)
        .then(setResult)
        .catch((err) => !controller.signal.aborted && setError(err));
    }
    return () => controller.abort();
  }, [job?.id, job?.state, terminal]);

  const cancel = async () => {
    try {
      setJob(await postJSON<Job>(`/v1/jobs/${encodeURIComponent(jobId)}:cancel`, undefined));
    } catch (err) {
      setError(err);
    }
  };

  if (!job) {
    return (
      <div className="page" data-testid="job-detail">
        <p>
          <a href="#/jobs">← jobs</a>
        </p>
        <ErrorBox error={error} />
        {!error && <div className="loading">loading…</div>}
      </div>
    );
  }

  const state = terminal ? job.state : (live.state ?? job.state);
  const done = terminal ? job.progress.done : (live.done ?? job.progress.done);
  const total = live.total ?? job.progress.total;
  const hasSchedule = artifacts.some((a) => a.name === "schedule.svg");
  return (
    <div className="page" data-testid="job-detail" data-job-id={job.id} data-state={state}>
      <p>
        <a href="#/jobs">← jobs</a>
      </p>
      <h1 className="mono">{job.id}</h1>
      <div className="job-head">
        <span className={`badge big state-${state.toLowerCase()}`} data-testid="job-detail-state">
          {state}
        </span>
        <ProgressBar done={done} total={total} state={state} testId="job-detail-progress" />
        {!TERMINAL.has(state) && (
          <button onClick={cancel} data-testid="job-cancel">
            Cancel
          </button>
        )}
      </div>
      <ErrorBox error={error} />
      <table className="kv">
        <tbody>
          <tr><th>program</th><td>{job.filename} ({job.format})</td></tr>
          <tr><th>target</th><td>{job.target}</td></tr>
          <tr><th>backend</th><td>{job.backend}</td></tr>
          <tr><th>shots</th><td>{fmtInt(job.shots)}</td></tr>
          <tr><th>seed</th><td>{job.seed}</td></tr>
          <tr><th>noise</th><td>{job.noise}</td></tr>
          <tr><th>created</th><td>{fmtTime(job.created_at)}</td></tr>
          <tr><th>started</th><td>{fmtTime(job.started_at)}</td></tr>
          <tr><th>finished</th><td>{fmtTime(job.finished_at)}</td></tr>
          <tr><th>attempts</th><td>{job.attempts}</td></tr>
          {job.tags.length > 0 && <tr><th>tags</th><td>{job.tags.join(", ")}</td></tr>}
        </tbody>
      </table>
      {job.failure && (
        <div className="error" data-testid="job-failure">
          <strong>{String(job.failure.type ?? "failed")}</strong>: {String(job.failure.message ?? JSON.stringify(job.failure))}
        </div>
      )}
      {result && (
        <section>
          <h2>Counts</h2>
          <CountsTable counts={result.counts ?? {}} shots={result.shots} />
        </section>
      )}
      {hasSchedule && (
        <section>
          <h2>Schedule</h2>
          <ScheduleImage jobId={job.id} />
        </section>
      )}
      {artifacts.length > 0 && (
        <section>
          <h2>Artifacts</h2>
          <table className="table auto" data-testid="artifacts-table">
            <tbody>
              {artifacts.map((a) => (
                <tr key={a.name}>
                  <td>
                    <button className="link" onClick={() => void download(job.id, a.name).catch(setError)}>
                      {a.name}
                    </button>
                  </td>
                  <td>{a.media_type}</td>
                  <td>{fmtInt(a.size)} bytes</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {live.log.length > 0 && (
        <section>
          <h2>Log</h2>
          <pre className="log" data-testid="job-log">{live.log.join("\n")}</pre>
        </section>
      )}
    </div>
  );
}
