// One shared stream of /v1/lattice/events for every page that listens (the lattice map, the
// history chart, the alerts table): it is opened with the first listener and closed with the last,
// so the dashboard holds at most one such connection.
import { useEffect } from "react";
import { streamEvents, type ServerEvent } from "./api";

type Listener = (event: ServerEvent) => void;

const listeners = new Set<Listener>();
let stop: (() => void) | null = null;

export function subscribeLattice(listener: Listener): () => void {
  listeners.add(listener);
  if (!stop) {
    stop = streamEvents("/v1/lattice/events", {
      reconnect: true,
      onEvent: (event) => listeners.forEach((l) => l(event)),
    });
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && stop) {
      stop();
      stop = null;
    }
  };
}

/** Call `load` now, every 15 s, and whenever the lattice stream sends one of `kinds`. */
export function useLatticeReload(load: () => Promise<void>, kinds: string[]): void {
  const key = kinds.join(",");
  useEffect(() => {
    void load();
    const timer = window.setInterval(() => void load(), 15000);
    const unsubscribe = subscribeLattice((event) => {
      if (key.split(",").includes(event.event)) void load();
    });
    return () => {
      window.clearInterval(timer);
      unsubscribe();
    };
  }, [load, key]);
}
