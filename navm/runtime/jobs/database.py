"""The database behind the service: an embedded SQLite file by default, PostgreSQL by URL, one code
path through SQLAlchemy 2, schema changes by Alembic run at start.

SQLite is set up for many readers and one writer at a time across processes (the server and its
workers): write-ahead log, a busy timeout, and every write transaction opened with BEGIN IMMEDIATE,
so that two writers never both hold a read lock and wait on each other to upgrade it (the deadlock
that SQLite answers with "database is locked" at once, whatever the timeout). Reads use their own
engine with ordinary deferred transactions, which never take the write lock. On PostgreSQL every
write transaction first takes one advisory lock, so writes are serialised the same way: the event
ids a sequence hands out then commit in order, which the event streams rely on.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from sqlalchemy import Connection, Engine, create_engine, event, text

from navm.diagnostics import NavmError

BUSY_TIMEOUT_S = 30
WRITE_LOCK_KEY = 0x6E61766D  # "navm": the advisory lock that serialises writes on PostgreSQL
DEFAULT_DB_NAME = "navm.db"


def database_url(data_dir: str | Path | None, db: str | None) -> str:
    """The URL `navm serve --data DIR [--db URL]` means: the URL if given, else DIR/navm.db."""
    if db:
        if db.startswith("postgres://"):
            db = "postgresql://" + db[len("postgres://"):]
        if db.startswith("postgresql://"):
            db = "postgresql+psycopg://" + db[len("postgresql://"):]
        if not db.startswith(("sqlite:", "postgresql+psycopg:")):
            raise NavmError(f"--db {db}: use postgresql://USER@HOST/NAME or sqlite:///PATH")
        return db
    folder = Path(data_dir or "navm-data")
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{(folder / DEFAULT_DB_NAME).resolve()}"


@dataclass
class Database:
    """Two engines on one database: `write()` transactions (BEGIN IMMEDIATE on SQLite) and `read()`."""

    url: str
    writer: Engine
    reader: Engine

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @contextmanager
    def write(self) -> Iterator[Connection]:
        with self.writer.begin() as conn:
            if not self.is_sqlite:
                # one writer at a time, as on SQLite: event ids then commit in id order (an event stream
                # that has passed id n never misses a later-committed n-1), and no two writers deadlock
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITE_LOCK_KEY})
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.reader.connect() as conn:
            yield conn

    def dispose(self) -> None:
        self.writer.dispose()
        self.reader.dispose()


def connect(url: str) -> Database:
    """Engines for `url` (no schema change: `migrate` does that)."""
    if url.startswith("sqlite"):
        return Database(url, _sqlite_engine(url, immediate=True), _sqlite_engine(url, immediate=False))
    engine = create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)
    return Database(url, engine, engine)


def _sqlite_engine(url: str, *, immediate: bool) -> Engine:
    # pooled: opening a connection runs the PRAGMAs below, a cost every request would pay again
    engine = create_engine(url, pool_size=8, max_overflow=32, connect_args={"timeout": BUSY_TIMEOUT_S,
                                                                           "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _setup(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # the driver opens no transaction itself: "begin" below does
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def migrate(db: Database) -> None:
    """Bring the schema to the newest revision (Alembic, navm/runtime/jobs/migrations)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    with db.writer.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        conn.commit()


def open_database(url: str) -> Database:
    """Connected and migrated."""
    try:
        db = connect(url)
        migrate(db)
    except NavmError:
        raise
    except Exception as err:  # an unreachable server, a bad password, a file we cannot write
        from sqlalchemy.exc import SQLAlchemyError

        if isinstance(err, (SQLAlchemyError, OSError)):
            raise NavmError(f"cannot open the database {redact(url)}: {str(err).splitlines()[0]}") from None
        raise
    return db


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
