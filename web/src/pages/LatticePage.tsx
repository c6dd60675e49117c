// The lattice page: the header with the lattice's size and its latest heartbeat, the σ map coloured
// by that heartbeat's W fidelity (re-coloured when /v1/lattice/events announces a new heartbeat), a
// node search, and the inspector of the node picked.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ApiError, getBinary, getJSON, type LatticeInfo } from "../api";
import { ErrorBox } from "../components/Problem";
import { Legend } from "../components/Legend";
import { bucketsFor, domainFor } from "../lattice/colour";
import { parseLayout, type Layout } from "../lattice/layout";
import { LatticeCanvas, type LatticeCanvasHandle } from "../lattice/LatticeCanvas";
import { Inspector } from "../lattice/Inspector";
import { subscribeLattice } from "../latticeEvents";
import { fmtInt, fmtNum, fmtSeconds, fmtTime } from "../format";
import { navigate, type Route } from "../router";

declare global {
  interface Window {
    /** for the browser tests and the curious: where a node is drawn, and picking one */
    navmLattice?: {
      project(node: number): { x: number; y: number } | null;
      focus(node: number): void;
      fit(): void;
      select(node: number | null): void;
      view(): { cx: number; cy: number; s: number };
    };
  }
}

const POLL_MS = 10000;

export function LatticePage({ route }: { route: Route }) {
  const [info, setInfo] = useState<LatticeInfo | null>(null);
  const [unavailable, setUnavailable] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [layout, setLayout] = useState<Layout | null>(null);
  const [fidelity, setFidelity] = useState<{ id: number; values: Float32Array } | null>(null);
  const [search, setSearch] = useState("");
  const [searchError, setSearchError] = useState<string | null>(null);
  const canvasRef = useRef<LatticeCanvasHandle>(null);
  const fidelityIdRef = useRef<number | null>(null);
  const loadingRef = useRef<number | null>(null);
  const layoutRef = useRef<Layout | null>(null);

  const nodeParam = route.query.get("node");
  const selected = nodeParam !== null && /^\d+$/.test(nodeParam) ? Number(nodeParam) : null;

  const select = useCallback((node: number | null) => {
    navigate(node === null ? "/lattice" : `/lattice?node=${node}`);
  }, []);

  const loadFidelity = useCallback(async (id: number, n: number) => {
    if ((fidelityIdRef.current !== null && id <= fidelityIdRef.current) || loadingRef.current === id) return;
    loadingRef.current = id;
    try {
      const buffer = await getBinary(`/v1/lattice/heartbeats/${id}/fidelity.bin`);
      if (buffer.byteLength < n * 4) throw new Error(`fidelity.bin has ${buffer.byteLength} bytes; ${n} nodes need ${n * 4}`);
      if (fidelityIdRef.current !== null && id <= fidelityIdRef.current) return;
      fidelityIdRef.current = id;
      setFidelity({ id, values: new Float32Array(buffer.slice(0, n * 4)) });
    } catch (err) {
      setError(err);
    } finally {
      if (loadingRef.current === id) loadingRef.current = null;
    }
  }, []);

  const busyRef = useRef<"idle" | "busy" | "again">("idle");
  const [unavailableDetail, setUnavailableDetail] = useState("");

  const refresh = useCallback(async (): Promise<void> => {
    if (busyRef.current !== "idle") {
      busyRef.current = "again";
      return;
    }
    busyRef.current = "busy";
    try {
      const next = await getJSON<LatticeInfo>("/v1/lattice");
      setInfo(next);
      setUnavailable(false);
      let current = layoutRef.current;
      if (!current || current.n !== next.nodes) {
        current = parseLayout(await getBinary("/v1/lattice/layout.bin"), next.nodes);
        layoutRef.current = current;
        fidelityIdRef.current = null;
        setLayout(current);
      }
      if (next.latest) await loadFidelity(next.latest.id, next.nodes);
      setError(null);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        setUnavailable(true);
        setUnavailableDetail(err.detail);
      } else setError(err);
    } finally {
      const again = (busyRef.current as string) === "again";
      busyRef.current = "idle";
      if (again) void refresh();
    }
  }, [loadFidelity]);

  useEffect(() => {
    void refresh();
    const timer = window.setInterval(() => void refresh(), POLL_MS);
    const unsubscribe = subscribeLattice((event) => {
      if (event.event === "heartbeat" || event.event === "alert") void refresh();
    });
    return () => {
      window.clearInterval(timer);
      unsubscribe();
    };
  }, [refresh]);

  const domain = useMemo(() => domainFor(fidelity?.values ?? null), [fidelity]);
  const buckets = useMemo(
    () => (layout ? bucketsFor(fidelity?.values ?? null, layout.n, domain) : new Uint8Array(0)),
    [layout, fidelity, domain],
  );

  useEffect(() => {
    window.navmLattice = {
      project: (node) => canvasRef.current?.project(node) ?? null,
      focus: (node) => canvasRef.current?.focus(node),
      fit: () => canvasRef.current?.fit(),
      select,
      view: () => canvasRef.current?.view() ?? { cx: 0, cy: 0, s: 1 },
    };
    return () => {
      delete window.navmLattice;
    };
  }, [select, layout]);

  // a page opened on a node (#/lattice?node=ID, as the alerts page links) starts zoomed in on it
  const focusedRef = useRef(false);
  useEffect(() => {
    if (!layout || focusedRef.current) return;
    focusedRef.current = true;
    if (selected !== null && selected < layout.n) canvasRef.current?.focus(selected);
  }, [layout]);

  const onSearch = (e: React.FormEvent) => {
    e.preventDefault();
    const text = search.trim();
    if (!layout) return;
    if (!/^\d+$/.test(text) || Number(text) >= layout.n) {
      setSearchError(`no node ${text || "(empty)"}: ids run from 0 to ${layout.n - 1}`);
      return;
    }
    setSearchError(null);
    const node = Number(text);
    canvasRef.current?.focus(node);
    select(node);
  };

  if (unavailable) {
    return (
      <div className="page" data-testid="lattice-page">
        <div className="notice" data-testid="lattice-unavailable">
          This server has no lattice health endpoints (GET /v1/lattice answered 404: {unavailableDetail}).
        </div>
      </div>
    );
  }

  const latest = info?.latest ?? null;
  return (
    <div className="page lattice-page" data-testid="lattice-page">
      <header className="summary" data-testid="lattice-summary">
        <div className="stat">
          <span className="label">nodes</span>
          <span className="value" data-testid="node-count">{info ? fmtInt(info.nodes) : "…"}</span>
        </div>
        <div className="stat">
          <span className="label">triangles</span>
          <span className="value" data-testid="triangle-count">{info ? fmtInt(info.triangles) : "…"}</span>
        </div>
        <div className="stat">
          <span className="label">device</span>
          <span className="value small" data-testid="lattice-device">{info?.device ?? "…"}</span>
        </div>
        <div className="stat">
          <span className="label">heartbeat</span>
          <span className="value" data-testid="heartbeat-id">{latest ? `#${latest.id}` : "none yet"}</span>
        </div>
        <div className="stat">
          <span className="label">at</span>
          <span className="value small" data-testid="heartbeat-time">{latest ? fmtTime(latest.time) : "—"}</span>
        </div>
        <div className="stat">
          <span className="label">took</span>
          <span className="value small" data-testid="heartbeat-duration">{latest ? fmtSeconds(latest.duration_s) : "—"}</span>
        </div>
        <div className="stat">
          <span className="label">min F</span>
          <span className="value" data-testid="min-fidelity">{fmtNum(latest?.min_fidelity)}</span>
        </div>
        <div className="stat">
          <span className="label">median F</span>
          <span className="value" data-testid="median-fidelity">{fmtNum(latest?.median_fidelity)}</span>
        </div>
        <div className="stat">
          <span className="label">mean F</span>
          <span className="value" data-testid="mean-fidelity">{fmtNum(latest?.mean_fidelity)}</span>
        </div>
        <div className="stat">
          <span className="label">open alerts</span>
          <span className={`value ${latest && latest.alerts_open > 0 ? "bad" : ""}`} data-testid="alerts-open">
            {latest ? fmtInt(latest.alerts_open) : "—"}
          </span>
        </div>
      </header>
      <ErrorBox error={error} />
      <div className="lattice-body">
        <div className="map">
          <div className="map-tools">
            <form onSubmit={onSearch} className="search">
              <input
                data-testid="node-search"
                placeholder="node id"
                inputMode="numeric"
                value={search}
                onChange={(e) => setSearch(e.target.value)}
              />
              <button type="submit" data-testid="node-search-go">Find</button>
              <button type="button" onClick={() => canvasRef.current?.fit()} data-testid="fit-view">
                Whole lattice
              </button>
            </form>
            {searchError && <span className="error-inline" data-testid="node-search-error">{searchError}</span>}
            <Legend domain={domain} />
          </div>
          <div className="canvas-box">
          {layout ? (
            <LatticeCanvas
              ref={canvasRef}
              layout={layout}
              buckets={buckets}
              heartbeatId={fidelity?.id ?? null}
              selected={selected !== null && selected < layout.n ? selected : null}
              onPick={(node) => select(node)}
            />
          ) : (
            <div className="loading" data-testid="lattice-loading">loading the lattice…</div>
          )}
          </div>
          <div className="hint">wheel: zoom · drag: pan · click: inspect a node</div>
        </div>
        {selected !== null && layout && selected < layout.n && (
          <Inspector
            node={selected}
            heartbeatId={fidelity?.id ?? null}
            onSelect={(node) => {
              canvasRef.current?.focus(node);
              select(node);
            }}
            onClose={() => select(null)}
          />
        )}
      </div>
    </div>
  );
}
