"""The `navm` command as a process of its own: the console script and `python -m navm`.

`navm.cli.main()` does the work and returns the exit status (tests and other
callers use it in-process). Around it, this entry point does what only a
process that is about to end may do, for start-up time (benchmarks/startup.py):

- the cyclic garbage collector runs rarely (navm.perf.defer_collections):
  start-up creates ~10^5 long-lived objects that the default thresholds walk
  again and again (25 ms of `navm compile`, 75 ms of `navm run`);
- once the output is flushed and the atexit handlers have run, the process ends
  with `os._exit`: tearing down the interpreter (every module and object, and
  JAX's and XLA's state after `navm run`) takes 0.05-0.1 s and does nothing a
  finished command needs. If another thread is still running, it exits normally.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    from navm.perf import defer_collections

    defer_collections()
    from navm.cli import main as cli_main

    code = cli_main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: nothing more can be written
        pass
    import atexit
    import threading

    atexit._run_exitfuncs()
    if threading.active_count() == 1:
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    main()
