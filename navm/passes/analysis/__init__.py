"""Analyses that several passes and backends call, each in its own module.

A pass reads and writes IR only and never reaches into another pass's module
(the design rule); what two of them need alike lives here and is called, not
copied:

- `motion`: replays a zoned (ISA 1.2) circuit's atom motion, checks its
  legality (`move-check`) and records what each Rydberg pulse drives;
- `zoned_time`: the sequential time model of zoned programs (`schedule`);
- `zoned_fidelity`: the fidelity models of zoned programs: navm's own and
  ZAC's (`schedule`, `navm evaluate`).
"""
