"""Start-up: `navm` commands as fresh processes, with a warm and a cold cache (medians).

Each figure is the wall-clock time of a real process (`.venv/bin/navm ...`,
output discarded), from start to exit, as a user sees it:

- `navm --version`
- `navm compile examples/qbc/bell.qbc`    target < 0.3 s (warm cache)
- `navm run examples/qbc/bell.qbc`        target < 1.0 s (warm cache)
- `navm exec examples/lattice.qbc`

"warm": the cache folder (NAVM_CACHE_DIR, navm/cache.py: Lark tables, JAX's
compiled statevector kernels, the VM's object code) was filled by one earlier
run of the same command; "cold": every run gets a new, empty folder. Python's
own bytecode cache is warm in both (an installed navm has its .pyc files), so
PYTHONDONTWRITEBYTECODE is removed from the environment of the processes.

`--baseline REV` also measures the navm of git revision REV (its `navm/`
extracted with `git archive` into a temporary folder and imported from there
through PYTHONPATH, with this checkout's .venv: same Python, same libraries),
and prints the ratio baseline / now. The trees take turns run by run, so load
on the machine (a shared 2-core VM) falls on both alike.

    .venv/bin/python benchmarks/startup.py [--repeat 7] [--baseline a66ad54] [--only compile,run]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))
from revisions import extract_tree  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
NAVM = VENV / "bin" / "navm"
PYTHON = VENV / "bin" / "python"

COMMANDS: dict[str, tuple[list[str], float | None]] = {
    "version": (["--version"], None),
    "compile": (["compile", "examples/qbc/bell.qbc"], 0.3),
    "run": (["run", "examples/qbc/bell.qbc"], 1.0),
    "exec": (["exec", "examples/lattice.qbc"], None),
}
# What a console script of any revision does: import navm.cli, call main(), exit with its status.
SCRIPT = "import sys; sys.argv[0] = 'navm'; from navm.cli import main; sys.exit(main())"
# A baseline without `navm exec` (before 04727a2) runs the program on the same engine through the Python API.
FALLBACK = {
    "exec": "import sys; from navm.runtime.vm import execute; "
            "print(execute(open('examples/lattice.qbc').read(), engine='compiled').registers)",
}


@dataclass
class Tree:
    label: str
    pythonpath: Path | None  # None: this checkout, through the installed console script

    def argv(self, name: str, *, fallback: bool = False) -> list[str]:
        args = COMMANDS[name][0]
        if self.pythonpath is None:
            return [str(NAVM), *args]
        # -P: the baseline from PYTHONPATH, not the checkout in the working directory
        return [str(PYTHON), "-P", "-c", FALLBACK[name] if fallback else SCRIPT, *([] if fallback else args)]

    def env(self, cache: Path) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if k not in ("PYTHONDONTWRITEBYTECODE", "NAVM_NO_CACHE", "JAX_COMPILATION_CACHE_DIR", "PYTHONPATH")}
        env["NAVM_CACHE_DIR"] = str(cache)
        if self.pythonpath is not None:
            env["PYTHONPATH"] = str(self.pythonpath)
        return env


def timed(tree: Tree, argv: list[str], cache: Path, *, may_fail: bool = False) -> float | None:
    """Seconds from start to exit of one process, output discarded. A failure stops the benchmark, unless
    `may_fail` (a baseline probing for a command): None then."""
    t = time.perf_counter()
    proc = subprocess.run(argv, cwd=ROOT, env=tree.env(cache), stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, timeout=600)
    elapsed = time.perf_counter() - t
    if proc.returncode != 0:
        if may_fail:
            return None
        raise SystemExit(f"{tree.label}: {' '.join(argv)} exited with {proc.returncode}:\n{proc.stderr}")
    return elapsed


def resolve(tree: Tree, name: str, cache: Path) -> tuple[list[str], bool] | None:
    """The command line that runs `name` in `tree` (run once, which also fills `cache`), and whether it is
    the baseline's fallback; None if the baseline has neither the command nor a fallback."""
    if tree.pythonpath is None:
        timed(tree, tree.argv(name), cache)
        return tree.argv(name), False
    if timed(tree, tree.argv(name), cache, may_fail=True) is not None:
        return tree.argv(name), False
    if name in FALLBACK and timed(tree, tree.argv(name, fallback=True), cache, may_fail=True) is not None:
        return tree.argv(name, fallback=True), True
    return None


def check_import_location(tree: Tree, cache: Path) -> None:
    """The baseline process really imports the baseline's navm (not this checkout's editable install)."""
    code = "import navm, sys; sys.stdout.write(navm.__file__)"
    out = subprocess.run([str(PYTHON), "-P", "-c", code], cwd=ROOT, env=tree.env(cache), capture_output=True,
                         text=True, check=True).stdout
    if tree.pythonpath is not None and not out.startswith(str(tree.pythonpath)):
        raise SystemExit(f"{tree.label}: imports navm from {out}, not from {tree.pythonpath}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=7, help="runs per figure (default 7)")
    ap.add_argument("--baseline", metavar="REV", help="also measure the navm of this git revision")
    ap.add_argument("--only", default=",".join(COMMANDS), help="commands to measure, comma-separated "
                    f"(default {','.join(COMMANDS)})")
    args = ap.parse_args()
    names = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in names if n not in COMMANDS]
    if unknown:
        ap.error(f"unknown command {unknown[0]!r}; choose from {', '.join(COMMANDS)}")

    with tempfile.TemporaryDirectory(prefix="navm-startup-") as tmp_name:
        tmp = Path(tmp_name)
        trees = [Tree("now", None)]
        if args.baseline:
            rev = subprocess.run(["git", "rev-parse", "--short", args.baseline], cwd=ROOT, check=True,
                                 capture_output=True, text=True).stdout.strip()
            trees.insert(0, Tree(rev, extract_tree(args.baseline, tmp / "baseline")))
        for tree in trees:
            check_import_location(tree, tmp / "probe-cache")
        load = os.getloadavg()[0]
        print(f"machine: {os.cpu_count()} cores, load average {load:.2f}; medians of {args.repeat} fresh "
              f"processes per figure; trees: {', '.join(t.label for t in trees)}")

        results: dict[tuple[str, str, str], float] = {}
        fallbacks: set[tuple[str, str]] = set()
        cold_n = 0
        for name in names:
            warm_dirs = {t.label: tmp / f"warm-{t.label}" for t in trees}
            lines = {}
            for tree in trees:  # one run each fills the warm caches (and Python's bytecode cache)
                found = resolve(tree, name, warm_dirs[tree.label])
                if found is not None:
                    lines[tree.label] = found[0]
                    if found[1]:
                        fallbacks.add((name, tree.label))
            times: dict[tuple[str, str], list[float]] = {}
            for _ in range(args.repeat):
                for tree in trees:
                    if tree.label not in lines:
                        continue
                    argv = lines[tree.label]
                    times.setdefault((tree.label, "warm"), []).append(timed(tree, argv, warm_dirs[tree.label]))
                    cold_n += 1
                    cold = tmp / f"cold-{cold_n}"
                    times.setdefault((tree.label, "cold"), []).append(timed(tree, argv, cold))
                    shutil.rmtree(cold, ignore_errors=True)
            for (label, state), ts in times.items():
                results[(name, label, state)] = statistics.median(ts)

        print()
        report(names, trees, results, fallbacks)
        print(f"\nload average at the end: {os.getloadavg()[0]:.2f}")


def report(names: list[str], trees: list[Tree], results: dict[tuple[str, str, str], float],
           fallbacks: set[tuple[str, str]]) -> None:
    base = trees[0].label if len(trees) > 1 else None
    header = ["command", "target"]
    for state in ("warm", "cold"):
        header += [f"{t.label} {state}" for t in trees]
        if base:
            header.append(f"ratio {state}")
    rows = []
    for name in names:
        cmd, target = COMMANDS[name]
        row = [f"navm {' '.join(cmd)}", f"< {target} s" if target else "-"]
        for state in ("warm", "cold"):
            for t in trees:
                figure = results.get((name, t.label, state))
                mark = "*" if (name, t.label) in fallbacks else ""
                row.append(f"{figure:.2f} s{mark}" if figure is not None else "n/a")
            if base:
                was = results.get((name, base, state))
                row.append(f"{was / results[(name, 'now', state)]:.1f}x" if was else "-")
        rows.append(row)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |"
    print(line)
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |")
    if fallbacks:
        print("\n* the baseline has no such command: a fresh `python -c` runs the program on the compiled "
              "engine through navm.runtime.vm.execute instead")
    if any(results.get((n, t.label, "warm")) is None for n in names for t in trees):
        print("n/a: the baseline has no such command")
    print()
    for name in names:
        _, target = COMMANDS[name]
        if target is not None:
            now = results[(name, "now", "warm")]
            print(f"navm {name}: {now:.2f} s with a warm cache, target < {target} s: "
                  f"{'met' if now < target else 'NOT met'}")


if __name__ == "__main__":
    main()
