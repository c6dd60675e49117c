// A job's live state from its event stream (GET /v1/jobs/{id}/events): state, progress and log
// lines, until the event that ends it.
import { useEffect, useState } from "react";
import { streamEvents, TERMINAL } from "./api";

export interface LiveJob {
  state: string | null;
  done: number | null;
  total: number | null;
  log: string[];
  ended: boolean;
}

const EMPTY: LiveJob = { state: null, done: null, total: null, log: [], ended: false };

/** Follows a job's events while `enabled`; the stream ends by itself after the job's last state. */
export function useJobEvents(jobId: string | null, enabled: boolean): LiveJob {
  const [live, setLive] = useState<LiveJob>(EMPTY);
  useEffect(() => {
    setLive(EMPTY);
    if (!jobId || !enabled) return;
    let state: LiveJob = { ...EMPTY, log: [] };
    let pending = false;
    const flush = () => {
      pending = false;
      setLive({ ...state, log: [...state.log] });
    };
    const stop = streamEvents(`/v1/jobs/${encodeURIComponent(jobId)}/events`, {
      reconnect: true,
      onEvent: (event) => {
        const data = (event.data ?? {}) as Record<string, unknown>;
        if (event.event === "state" && typeof data.state === "string") {
          state.state = data.state;
          if (TERMINAL.has(data.state)) state.ended = true;
        } else if (event.event === "progress") {
          if (typeof data.done === "number") state.done = data.done;
          if (typeof data.total === "number") state.total = data.total;
        } else if (event.event === "log" && typeof data.line === "string") {
          state.log.push(data.line);
          if (state.log.length > 200) state.log = state.log.slice(-200);
        }
        if (state.ended) stop();
        // the stream replays the job's history first: render once per animation frame, not per event
        if (!pending) {
          pending = true;
          requestAnimationFrame(flush);
        }
      },
    });
    return stop;
  }, [jobId, enabled]);
  return live;
}
