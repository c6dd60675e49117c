// The inspector of one node: its metrics at the latest heartbeat, its triangle and that triangle's
// metrics, its neighbours, its routing-table entry, an open alert, and a sparkline of its fidelity.
import { useEffect, useState } from "react";
import { getJSON, type HistoryPoint, type NodeInfo, type TriangleInfo } from "../api";
import { ErrorBox } from "../components/Problem";
import { Sparkline } from "../components/Sparkline";
import { fmtNum } from "../format";

interface Props {
  node: number;
  heartbeatId: number | null;
  onSelect: (node: number) => void;
  onClose: () => void;
}

function show(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : value.toPrecision(6);
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

export function Inspector({ node, heartbeatId, onSelect, onClose }: Props) {
  const [info, setInfo] = useState<NodeInfo | null>(null);
  const [history, setHistory] = useState<HistoryPoint[]>([]);
  const [triangle, setTriangle] = useState<TriangleInfo | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const controller = new AbortController();
    (async () => {
      try {
        const [nodeInfo, hist] = await Promise.all([
          getJSON<NodeInfo>(`/v1/lattice/nodes/${node}`, controller.signal),
          getJSON<{ node: number; points: HistoryPoint[] }>(`/v1/lattice/nodes/${node}/history?limit=200`, controller.signal),
        ]);
        setInfo(nodeInfo);
        setHistory(hist.points);
        if (typeof nodeInfo.triangle === "number" && nodeInfo.triangle >= 0) {
          setTriangle(await getJSON<TriangleInfo>(`/v1/lattice/triangles/${nodeInfo.triangle}`, controller.signal));
        } else {
          setTriangle(null);
        }
        setError(null);
      } catch (err) {
        if (!controller.signal.aborted) setError(err);
      }
    })();
    return () => controller.abort();
  }, [node, heartbeatId]);

  const stale = info !== null && info.id !== node;
  const m = info?.metrics ?? null;
  const hasTriangle = typeof info?.triangle === "number" && info.triangle >= 0;
  return (
    <aside className="inspector" data-testid="inspector" data-node={node} data-loaded={info && !stale ? "true" : "false"}>
      <div className="inspector-head">
        <h2>
          Node <span data-testid="inspector-node">{node}</span>
        </h2>
        <button onClick={onClose} aria-label="close the inspector" data-testid="inspector-close">
          ×
        </button>
      </div>
      <ErrorBox error={error} />
      {info && (
        <>
          <table className="kv">
            <tbody>
              <tr>
                <th>site</th>
                <td data-testid="inspector-site">{show(info.site_id)}</td>
              </tr>
              <tr>
                <th>σ</th>
                <td data-testid="inspector-sigma">{show(info.sigma)}</td>
              </tr>
              <tr>
                <th>j</th>
                <td>
                  {fmtNum(info.j?.[0], 4)} {info.j && info.j[1] < 0 ? "−" : "+"} {fmtNum(Math.abs(info.j?.[1] ?? NaN), 4)}i
                </td>
              </tr>
              <tr>
                <th>position</th>
                <td>
                  ({fmtNum(info.x_um, 2)}, {fmtNum(info.y_um, 2)}) µm
                </td>
              </tr>
            </tbody>
          </table>

          <h3>Metrics</h3>
          {m ? (
            <table className="kv" data-testid="inspector-metrics">
              <tbody>
                <tr>
                  <th>W fidelity</th>
                  <td data-testid="inspector-fidelity">{fmtNum(m.fidelity, 5)}</td>
                </tr>
                <tr>
                  <th>purity</th>
                  <td data-testid="inspector-purity">{fmtNum(m.purity, 5)}</td>
                </tr>
                <tr>
                  <th>concurrence</th>
                  <td data-testid="inspector-concurrence">{fmtNum(m.concurrence, 5)}</td>
                </tr>
                <tr>
                  <th>entropy (bits)</th>
                  <td data-testid="inspector-entropy">{fmtNum(m.entropy, 5)}</td>
                </tr>
              </tbody>
            </table>
          ) : (
            <p className="muted" data-testid="inspector-no-metrics">
              {hasTriangle ? "no heartbeat yet" : "not in a triangle: no metrics"}
            </p>
          )}

          {info.alert && (
            <div className="alert-box" data-testid="inspector-alert">
              alert: {show(info.alert.kind)} since {show(info.alert.opened_at)} (value {show(info.alert.value)})
            </div>
          )}

          <h3>Fidelity history</h3>
          <Sparkline values={history.map((p) => p.fidelity)} />

          <h3>
            Triangle <span data-testid="inspector-triangle">{hasTriangle ? info.triangle : "none"}</span>
          </h3>
          {triangle && triangle.metrics && (
            <table className="kv" data-testid="inspector-triangle-metrics">
              <tbody>
                <tr>
                  <th>nodes</th>
                  <td>
                    {triangle.nodes.map((k) => (
                      <button key={k} className={`link ${k === node ? "current" : ""}`} onClick={() => onSelect(k)}>
                        {k}
                      </button>
                    ))}
                  </td>
                </tr>
                <tr>
                  <th>W fidelity</th>
                  <td>{fmtNum(triangle.metrics.fidelity, 5)}</td>
                </tr>
                <tr>
                  <th>purity</th>
                  <td>{fmtNum(triangle.metrics.purity, 5)}</td>
                </tr>
                <tr>
                  <th>concurrence</th>
                  <td>{(triangle.metrics.concurrence ?? []).map((c) => fmtNum(c, 4)).join(" · ")}</td>
                </tr>
                <tr>
                  <th>entropy</th>
                  <td>{(triangle.metrics.entropy ?? []).map((c) => fmtNum(c, 4)).join(" · ")}</td>
                </tr>
              </tbody>
            </table>
          )}

          <h3>Neighbours</h3>
          <div className="neighbours" data-testid="inspector-neighbours">
            {(info.neighbours ?? []).length === 0 && <span className="muted">none</span>}
            {(info.neighbours ?? []).map((k) => (
              <button key={k} className="link" onClick={() => onSelect(k)}>
                {k}
              </button>
            ))}
          </div>

          <h3>Routing entry</h3>
          <table className="kv" data-testid="inspector-routing">
            <tbody>
              {Object.entries(info.routing ?? {}).map(([k, v]) => (
                <tr key={k}>
                  <th>{k}</th>
                  <td>{show(v)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </aside>
  );
}
