// One shared stream of /v1/lattice/events for every page that listens (the lattice map, the
// history chart, the alerts table): it is opened with the first listener and closed with the last,
// so the dashboard holds at most one such connection.
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
