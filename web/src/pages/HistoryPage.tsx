// The history page: min, median and mean W fidelity over the last heartbeats (an SVG chart, oldest
// on the left), refreshed when a heartbeat arrives, and the heartbeats as a table.
import { useCallback, useState } from "react";
import { ApiError, getJSON, type HeartbeatSummary } from "../api";
import { ErrorBox, LatticeUnavailable } from "../components/Problem";
import { useLatticeReload } from "../latticeEvents";
import { fmtNum, fmtSeconds, fmtTime } from "../format";

const SERIES = [
  { key: "min_fidelity", label: "min", colour: "#e4572e" },
  { key: "median_fidelity", label: "median", colour: "#4fa3ff" },
  { key: "mean_fidelity", label: "mean", colour: "#76c893" },
] as const;

const TABLE_ROWS = 50;
const W = 900;
const H = 320;
const M = { left: 64, right: 16, top: 30, bottom: 40 };

function niceTicks(lo: number, hi: number, count: number): number[] {
  const span = hi - lo || 1;
  const raw = span / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => span / s <= count) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toFixed(10)));
  return ticks;
}

export function HistoryChart({ beats }: { beats: HeartbeatSummary[] }) {
  // beats: oldest first
  if (beats.length === 0) {
    return (
      <svg className="chart" viewBox={`0 0 ${W} ${H}`} data-testid="history-chart" data-points={0}>
        <text x={W / 2} y={H / 2} textAnchor="middle" className="muted-text">
          no heartbeats yet
        </text>
      </svg>
    );
  }
  const values = beats.flatMap((b) => SERIES.map((s) => b[s.key])).filter((v) => Number.isFinite(v));
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  const pad = Math.max((hi - lo) * 0.08, 0.0005);
  lo -= pad;
  hi += pad;
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const xOf = (i: number) => M.left + (beats.length === 1 ? pw / 2 : (pw * i) / (beats.length - 1));
  const yOf = (v: number) => M.top + ph * (1 - (v - lo) / (hi - lo));
  const yTicks = niceTicks(lo, hi, 6);
  const xTickEvery = Math.max(1, Math.ceil(beats.length / 8));
  return (
    <svg className="chart" viewBox={`0 0 ${W} ${H}`} data-testid="history-chart" data-points={beats.length}>
      {yTicks.map((v) => (
        <g key={v}>
          <line x1={M.left} x2={W - M.right} y1={yOf(v)} y2={yOf(v)} className="grid" />
          <text x={M.left - 6} y={yOf(v) + 4} textAnchor="end" className="tick">
            {v.toFixed(4)}
          </text>
        </g>
      ))}
      {beats.map((b, i) =>
        i % xTickEvery === 0 || i === beats.length - 1 ? (
          <text key={b.id} x={xOf(i)} y={H - M.bottom + 16} textAnchor="middle" className="tick">
            #{b.id}
          </text>
        ) : null,
      )}
      <text x={M.left + pw / 2} y={H - 4} textAnchor="middle" className="tick">
        heartbeat
      </text>
      {SERIES.map((s) => {
        const d = beats
          .map((b, i) => `${i === 0 ? "M" : "L"}${xOf(i).toFixed(1)},${yOf(b[s.key]).toFixed(1)}`)
          .join("");
        return <path key={s.key} d={d} fill="none" stroke={s.colour} strokeWidth={1.8} data-series={s.label} />;
      })}
      {beats.map((b, i) => (
        <g key={b.id} data-testid="history-point" data-heartbeat-id={b.id}>
          {SERIES.map((s) => (
            <circle key={s.key} cx={xOf(i)} cy={yOf(b[s.key])} r={beats.length > 80 ? 1.5 : 3} fill={s.colour} />
          ))}
          <title>
            {`#${b.id} ${fmtTime(b.time)}\nmin ${fmtNum(b.min_fidelity)} · median ${fmtNum(b.median_fidelity)} · mean ${fmtNum(b.mean_fidelity)}`}
          </title>
        </g>
      ))}
      <g transform={`translate(${M.left}, 8)`}>
        {SERIES.map((s, k) => (
          <g key={s.key} transform={`translate(${k * 90}, 0)`}>
            <rect width={12} height={4} y={4} fill={s.colour} />
            <text x={16} y={11} className="tick">
              {s.label}
            </text>
          </g>
        ))}
      </g>
    </svg>
  );
}

export function HistoryPage() {
  const [beats, setBeats] = useState<HeartbeatSummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [unavailable, setUnavailable] = useState(false);

  const load = useCallback(async () => {
    try {
      const answer = await getJSON<{ heartbeats: HeartbeatSummary[] }>("/v1/lattice/heartbeats?limit=200");
      setBeats([...answer.heartbeats].sort((a, b) => a.id - b.id));
      setError(null);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) setUnavailable(true);
      else setError(err);
    }
  }, []);

  useLatticeReload(load, ["heartbeat"]);

  if (unavailable) return <LatticeUnavailable testid="history-page" />;
  return (
    <div className="page" data-testid="history-page">
      <h1>Heartbeat history</h1>
      <ErrorBox error={error} />
      {beats === null ? <div className="loading">loading…</div> : <HistoryChart beats={beats} />}
      {beats && beats.length > 0 && (
        <table className="table" data-testid="heartbeats-table">
          <thead>
            <tr>
              <th>heartbeat</th>
              <th>time</th>
              <th>took</th>
              <th>min F</th>
              <th>median F</th>
              <th>mean F</th>
              <th>alerts opened</th>
            </tr>
          </thead>
          <tbody>
            {[...beats].reverse().slice(0, TABLE_ROWS).map((b) => (
              <tr key={b.id} data-testid="heartbeat-row" data-heartbeat-id={b.id}>
                <td>#{b.id}</td>
                <td>{fmtTime(b.time)}</td>
                <td>{fmtSeconds(b.duration_s)}</td>
                <td>{fmtNum(b.min_fidelity)}</td>
                <td>{fmtNum(b.median_fidelity)}</td>
                <td>{fmtNum(b.mean_fidelity)}</td>
                <td>{b.alerts_opened ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
