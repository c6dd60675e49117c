// The login page: an API key, checked against the server (GET /v1/jobs) before it is kept in
// sessionStorage, so it lasts as long as the tab.
import { useState } from "react";
import { ApiError, checkKey, setKey } from "../api";

export function LoginPage({ onLogin }: { onLogin: () => void }) {
  const [key, setKeyText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const value = key.trim();
    if (!value) {
      setError("Enter an API key (navm keys create prints one).");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await checkKey(value);
      setKey(value);
      onLogin();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setError(`The server refused this key: ${err.detail}`);
      else if (err instanceof ApiError && err.status === 403) setError(`This key may not read: ${err.detail}`);
      else if (err instanceof ApiError) setError(`${err.detail} (${err.status})`);
      else setError(`Could not reach the server: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login" data-testid="login-page">
      <form onSubmit={submit} className="login-card">
        <h1>navm</h1>
        <p className="muted">Sign in with an API key with the read scope.</p>
        <input
          type="password"
          autoComplete="off"
          placeholder="navm_…"
          value={key}
          onChange={(e) => setKeyText(e.target.value)}
          data-testid="login-key"
          aria-label="API key"
          autoFocus
        />
        <button type="submit" disabled={busy} data-testid="login-submit">
          {busy ? "Checking…" : "Sign in"}
        </button>
        {error && (
          <div className="error" role="alert" data-testid="login-error">
            {error}
          </div>
        )}
        <p className="muted small">
          <code>navm keys create --data DIR --tenant T --scopes submit,read</code>
        </p>
      </form>
    </div>
  );
}
