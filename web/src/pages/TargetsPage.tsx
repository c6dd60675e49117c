// The targets page: the devices jobs can name (GET /v1/targets) and the backends that run them.
import { useEffect, useState } from "react";
import { getJSON } from "../api";
import { ErrorBox } from "../components/Problem";

interface Backend {
  available: boolean;
  version?: string;
  reason?: string;
  noise_models?: string[];
  options?: string[];
  [key: string]: unknown;
}

interface Target {
  name: string;
  version: string;
  isa_version: string | number;
  zoned: boolean;
  sites: number;
  backends: Record<string, Backend>;
}

export function TargetsPage() {
  const [targets, setTargets] = useState<Target[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const controller = new AbortController();
    getJSON<{ targets: Target[] }>("/v1/targets", controller.signal)
      .then((answer) => setTargets(answer.targets))
      .catch((err) => !controller.signal.aborted && setError(err));
    return () => controller.abort();
  }, []);

  const backends = targets && targets.length ? Object.entries(targets[0].backends) : [];
  return (
    <div className="page" data-testid="targets-page">
      <h1>Targets</h1>
      <ErrorBox error={error} />
      {targets === null && !error && <div className="loading">loading…</div>}
      {targets && (
        <>
          <h2>Devices</h2>
          <table className="table" data-testid="targets-table">
            <thead>
              <tr>
                <th>device</th>
                <th>sites</th>
                <th>zoned</th>
                <th>ISA</th>
                <th>profile version</th>
                <th>backends available</th>
              </tr>
            </thead>
            <tbody>
              {targets.map((t) => (
                <tr key={t.name} data-testid="target-row" data-target={t.name}>
                  <td className="mono">{t.name}</td>
                  <td>{t.sites.toLocaleString("en-US")}</td>
                  <td>{t.zoned ? "yes" : "no"}</td>
                  <td>{String(t.isa_version)}</td>
                  <td className="mono">{t.version}</td>
                  <td>
                    {Object.entries(t.backends)
                      .filter(([, b]) => b.available)
                      .map(([name]) => name)
                      .join(", ") || "none"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Backends</h2>
          <table className="table" data-testid="backends-table">
            <thead>
              <tr>
                <th>backend</th>
                <th>available</th>
                <th>version</th>
                <th>max qubits</th>
                <th>Clifford only</th>
                <th>noise</th>
                <th>options</th>
                <th>description</th>
              </tr>
            </thead>
            <tbody>
              {backends.map(([name, b]) => (
                <tr key={name} data-testid="backend-row" data-backend={name}>
                  <td className="mono">{name}</td>
                  <td>{b.available ? "yes" : <span title={b.reason}>no: {b.reason}</span>}</td>
                  <td className="mono">{b.version ?? "—"}</td>
                  <td>{b.available ? (b.max_qubits === null ? "any" : String(b.max_qubits ?? "—")) : "—"}</td>
                  <td>{b.available ? (b.clifford_only ? "yes" : "no") : "—"}</td>
                  <td>{Array.isArray(b.noise_models) ? b.noise_models.join(", ") : "—"}</td>
                  <td>{Array.isArray(b.options) ? b.options.join(", ") || "none" : "—"}</td>
                  <td className="desc">{typeof b.description === "string" ? b.description : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
