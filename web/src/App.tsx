// The dashboard's shell: the login gate, the navigation bar and hash routing to the pages.
import { useEffect, useState } from "react";
import { getKey, onUnauthorized, setKey } from "./api";
import { AlertsPage } from "./pages/AlertsPage";
import { HistoryPage } from "./pages/HistoryPage";
import { JobDetailPage } from "./pages/JobDetailPage";
import { JobsPage } from "./pages/JobsPage";
import { LatticePage } from "./pages/LatticePage";
import { LoginPage } from "./pages/LoginPage";
import { TargetsPage } from "./pages/TargetsPage";
import { navigate, useRoute } from "./router";

const PAGES = [
  ["lattice", "Lattice"],
  ["history", "History"],
  ["alerts", "Alerts"],
  ["jobs", "Jobs"],
  ["targets", "Targets"],
] as const;

export function App() {
  const [signedIn, setSignedIn] = useState(() => getKey() !== null);
  const route = useRoute();

  useEffect(
    () =>
      onUnauthorized(() => {
        setKey(null);
        setSignedIn(false);
      }),
    [],
  );

  if (!signedIn) {
    return (
      <LoginPage
        onLogin={() => {
          setSignedIn(true);
          if (!route.path.length || route.path[0] === "login") navigate("/lattice");
        }}
      />
    );
  }

  const page = route.path[0] ?? "lattice";
  let body;
  if (page === "lattice") body = <LatticePage route={route} />;
  else if (page === "history") body = <HistoryPage />;
  else if (page === "alerts") body = <AlertsPage />;
  else if (page === "jobs" && route.path[1]) body = <JobDetailPage key={route.path[1]} jobId={route.path[1]} />;
  else if (page === "jobs") body = <JobsPage />;
  else if (page === "targets") body = <TargetsPage />;
  else body = <div className="page notice" data-testid="not-found">No page “{route.path.join("/")}”.</div>;

  return (
    <div className="app">
      <nav className="nav" data-testid="nav">
        <span className="brand">navm</span>
        {PAGES.map(([name, label]) => (
          <a key={name} href={`#/${name}`} className={page === name ? "active" : ""} data-testid={`nav-${name}`}>
            {label}
          </a>
        ))}
        <span className="spacer" />
        <button
          className="link"
          data-testid="sign-out"
          onClick={() => {
            setKey(null);
            setSignedIn(false);
          }}
        >
          Sign out
        </button>
      </nav>
      <main>{body}</main>
    </div>
  );
}
