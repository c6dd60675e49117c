"""Durable jobs: the store (SQLite or PostgreSQL through SQLAlchemy, Alembic migrations), the job
states, the manager that hands queued jobs to workers, and the executors that run them.

The database is the queue: a job is a row, a state change is a fenced UPDATE and an event row, and
nothing lives only in a process's memory, so a server killed at any moment restarts with every
job accounted for (docs/service.md, "Jobs"). This layer sits on navm.api (compile, run), as the CLI
does; the HTTP service (navm.runtime.service) sits on it.
"""
