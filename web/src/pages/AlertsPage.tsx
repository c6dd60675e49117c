// The alerts page: the lattice's alerts (open ones, or all), refreshed when a heartbeat or an alert
// arrives; a node links to the lattice page with that node in the inspector.
import { useCallback, useState } from "react";
import { ApiError, getJSON, type Alert } from "../api";
import { ErrorBox, LatticeUnavailable } from "../components/Problem";
import { useLatticeReload } from "../latticeEvents";
import { fmtNum, fmtTime } from "../format";

export function AlertsPage() {
  const [which, setWhich] = useState<"open" | "all">("open");
  const [alerts, setAlerts] = useState<Alert[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [unavailable, setUnavailable] = useState(false);

  const load = useCallback(async () => {
    try {
      const answer = await getJSON<{ alerts: Alert[] }>(`/v1/lattice/alerts?state=${which}`);
      setAlerts(answer.alerts);
      setError(null);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) setUnavailable(true);
      else setError(err);
    }
  }, [which]);

  useLatticeReload(load, ["alert", "heartbeat"]);

  if (unavailable) return <LatticeUnavailable testid="alerts-page" />;
  return (
    <div className="page" data-testid="alerts-page">
      <h1>Alerts</h1>
      <div className="toolbar">
        <label>
          show{" "}
          <select value={which} onChange={(e) => setWhich(e.target.value as "open" | "all")} data-testid="alerts-state">
            <option value="open">open alerts</option>
            <option value="all">all alerts</option>
          </select>
        </label>
        <span className="muted" data-testid="alerts-count">
          {alerts ? `${alerts.length} alert${alerts.length === 1 ? "" : "s"}` : ""}
        </span>
      </div>
      <ErrorBox error={error} />
      <table className="table" data-testid="alerts-table">
        <thead>
          <tr>
            <th>alert</th>
            <th>node</th>
            <th>kind</th>
            <th>opened</th>
            <th>cleared</th>
            <th>value</th>
            <th>baseline</th>
            <th>heartbeat</th>
          </tr>
        </thead>
        <tbody>
          {alerts && alerts.length === 0 && (
            <tr>
              <td colSpan={8} className="muted" data-testid="alerts-empty">
                no {which === "open" ? "open " : ""}alerts
              </td>
            </tr>
          )}
          {alerts?.map((a) => (
            <tr key={a.id} data-testid="alert-row" data-alert-id={a.id} className={a.cleared_at ? "" : "open"}>
              <td>{a.id}</td>
              <td>
                <a href={`#/lattice?node=${a.node}`}>{a.node}</a>
              </td>
              <td>
                <span className={`badge kind-${a.kind}`}>{a.kind}</span>
              </td>
              <td>{fmtTime(a.opened_at)}</td>
              <td>{a.cleared_at ? fmtTime(a.cleared_at) : <span className="badge open">open</span>}</td>
              <td>{fmtNum(a.value)}</td>
              <td>{fmtNum(a.baseline)}</td>
              <td>#{a.heartbeat_id}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
