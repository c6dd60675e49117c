// The navm service's HTTP API, as the dashboard uses it: every /v1 request carries the API key
// (kept in sessionStorage for the tab's lifetime), errors are problem+json (docs/service.md).

const KEY_STORAGE = "navm.apiKey";

export function getKey(): string | null {
  return sessionStorage.getItem(KEY_STORAGE);
}

export function setKey(key: string | null): void {
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  else sessionStorage.removeItem(KEY_STORAGE);
}

/** A failed request: the problem details' `type` (without urn:navm:problem:), `detail` and status. */
export class ApiError extends Error {
  constructor(
    public status: number,
    public kind: string,
    public detail: string,
    public body: Record<string, unknown> | null = null,
  ) {
    super(detail);
  }
}

function authHeaders(key: string | null, extra?: HeadersInit): Headers {
  const headers = new Headers(extra);
  if (key) headers.set("Authorization", `Bearer ${key}`);
  return headers;
}

async function problem(response: Response): Promise<ApiError> {
  let body: Record<string, unknown> | null = null;
  try {
    body = (await response.json()) as Record<string, unknown>;
  } catch {
    body = null;
  }
  const type = typeof body?.type === "string" ? (body.type as string) : "";
  const kind = type.replace(/^urn:navm:problem:/, "") || `http-${response.status}`;
  const detail =
    typeof body?.detail === "string" ? (body.detail as string) : `${response.status} ${response.statusText}`;
  return new ApiError(response.status, kind, detail, body);
}

/** Listeners told when the server refuses the key (401), so the app can go back to the login page. */
const unauthorizedListeners = new Set<() => void>();
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export async function request(path: string, init: RequestInit = {}, key: string | null = getKey()): Promise<Response> {
  const response = await fetch(path, { ...init, headers: authHeaders(key, init.headers) });
  if (!response.ok) {
    const err = await problem(response);
    if (response.status === 401 && key === getKey()) unauthorizedListeners.forEach((l) => l());
    throw err;
  }
  return response;
}

export async function getJSON<T>(path: string, signal?: AbortSignal): Promise<T> {
  const response = await request(path, { signal });
  return (await response.json()) as T;
}

export async function postJSON<T>(path: string, body: unknown): Promise<T> {
  const response = await request(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await response.json()) as T;
}

export async function getBinary(path: string, signal?: AbortSignal): Promise<ArrayBuffer> {
  const response = await request(path, { signal });
  return await response.arrayBuffer();
}

export async function getBlob(path: string, signal?: AbortSignal): Promise<Blob> {
  const response = await request(path, { signal });
  return await response.blob();
}

/** Checks a key before it is kept: any authenticated GET that it may make. */
export async function checkKey(key: string): Promise<void> {
  await request("/v1/jobs?limit=1", {}, key);
}

// ---- server-sent events over fetch() (EventSource cannot send an Authorization header) ----

export interface ServerEvent {
  id: string | null;
  event: string;
  data: unknown;
}

export interface StreamOptions {
  /** reconnect (with Last-Event-ID) when the stream ends or breaks; false: stop when it ends */
  reconnect?: boolean;
  onEvent: (event: ServerEvent) => void;
  onOpen?: () => void;
  onError?: (err: unknown) => void;
}

/** Parses a text/event-stream body incrementally; `feed` takes decoded text, calls back per event. */
export class EventStreamParser {
  private buffer = "";
  private id: string | null = null;
  private event = "";
  private data: string[] = [];
  lastId: string | null = null;

  constructor(private dispatch: (event: ServerEvent) => void) {}

  feed(text: string): void {
    this.buffer += text;
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      if (!match) break;
      // a lone \r at the very end may be the first half of \r\n: wait for more
      if (match[0] === "\r" && match.index === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line === "") {
      if (this.data.length) {
        const raw = this.data.join("\n");
        let data: unknown = raw;
        try {
          data = JSON.parse(raw);
        } catch {
          data = raw;
        }
        if (this.id !== null) this.lastId = this.id;
        this.dispatch({ id: this.id, event: this.event || "message", data });
      }
      this.id = null;
      this.event = "";
      this.data = [];
      return;
    }
    if (line.startsWith(":")) return; // a comment: keep-alive
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "id") this.id = value;
    else if (field === "event") this.event = value;
    else if (field === "data") this.data.push(value);
  }
}

/** Streams `path`'s server-sent events until the returned function is called. */
export function streamEvents(path: string, options: StreamOptions): () => void {
  const controller = new AbortController();
  let lastId: string | null = null;
  let stopped = false;

  const run = async () => {
    let delay = 1000;
    while (!stopped) {
      try {
        const headers: Record<string, string> = { Accept: "text/event-stream" };
        if (lastId !== null) headers["Last-Event-ID"] = lastId;
        const response = await request(path, { headers, signal: controller.signal, cache: "no-store" });
        options.onOpen?.();
        delay = 1000;
        const parser = new EventStreamParser((event) => {
          if (event.id !== null) lastId = event.id;
          options.onEvent(event);
        });
        const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.feed(value);
        }
        parser.feed("\n\n");
        if (!options.reconnect) return;
      } catch (err) {
        if (stopped || controller.signal.aborted) return;
        options.onError?.(err);
        if (err instanceof ApiError && (err.status === 401 || err.status === 403 || err.status === 404)) return;
      }
      if (stopped) return;
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 15000);
    }
  };
  void run();
  return () => {
    stopped = true;
    controller.abort();
  };
}

// ---- shapes of the answers ----

export interface HeartbeatSummary {
  id: number;
  time: string;
  duration_s: number;
  min_fidelity: number;
  median_fidelity: number;
  mean_fidelity: number;
  alerts_opened?: number;
  alerts_open?: number;
}

export interface LatticeInfo {
  nodes: number;
  triangles: number;
  device: string;
  source: string;
  latest: (HeartbeatSummary & { alerts_open: number }) | null;
}

export interface NodeMetrics {
  fidelity: number;
  purity: number;
  concurrence: number;
  entropy: number;
}

export interface Alert {
  id: number;
  node: number;
  kind: "threshold" | "drop" | string;
  opened_at: string;
  cleared_at: string | null;
  value: number;
  baseline: number | null;
  heartbeat_id: number;
}

export interface NodeInfo {
  id: number;
  site_id: number | string;
  sigma: number;
  j: [number, number];
  x_um: number;
  y_um: number;
  triangle: number;
  neighbours: number[];
  routing: Record<string, unknown>;
  metrics: NodeMetrics | null;
  alert: Record<string, unknown> | null;
}

export interface HistoryPoint {
  heartbeat_id: number;
  time: string;
  fidelity: number;
  purity: number;
  concurrence: number;
  entropy: number;
}

export interface TriangleInfo {
  id: number;
  nodes: [number, number, number];
  metrics: { fidelity: number; purity: number; concurrence: number[]; entropy: number[] };
}

export interface Job {
  id: string;
  state: string;
  batch_id: string | null;
  format: string;
  filename: string;
  target: string;
  backend: string;
  shots: number;
  seed: number;
  noise: string;
  options: Record<string, unknown>;
  tags: string[];
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
  attempts: number;
  progress: { done: number; total: number };
  queue_position: number | null;
  failure: { type?: string; message?: string; [k: string]: unknown } | null;
}

export const TERMINAL = new Set(["COMPLETED", "FAILED", "CANCELLED"]);
