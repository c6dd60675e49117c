// An error box for a failed request.
import { ApiError } from "../api";

export function ErrorBox({ error, testId = "error" }: { error: unknown; testId?: string }) {
  if (!error) return null;
  const text =
    error instanceof ApiError
      ? `${error.detail} (${error.status} ${error.kind})`
      : error instanceof Error
        ? error.message
        : String(error);
  return (
    <div className="error" role="alert" data-testid={testId}>
      {text}
    </div>
  );
}

/** The page of a server that watches no lattice (GET /v1/lattice answered 404). */
export function LatticeUnavailable({ testid }: { testid: string }) {
  return (
    <div className="page" data-testid={testid}>
      <div className="notice" data-testid="lattice-unavailable">This server has no lattice health endpoints.</div>
    </div>
  );
}
