"""The class database: its tables, how to open it (SQLite file or PostgreSQL URL), and its migrations.

The tables here are what the code reads and writes; the migrations in ``migrations/versions`` are what
builds them in a database, one revision at a time, so a class database made by an older grader is
upgraded in place (``upgrade`` runs at every start; a test proves the two agree). Times are UTC,
stored without a zone.

- ``students``: the class (from the roster, its own columns such as ``section`` too), with the moment
  of their last check (the cooldown).
- ``results``: what a grading found, stored once per distinct result (a class graded every ten minutes
  mostly finds what it found before); ``result_tasks`` has each task's status for the class queries.
- ``attempts``: every grading of a student: when, why (``trigger``), by which grader version, which result.
- ``jobs``: grading to do, as rows: claimed with ``SELECT … FOR UPDATE SKIP LOCKED`` under a lease, so
  several server instances share the work, none twice, and a dead instance's jobs are taken over.
- ``schedules``: when the next scheduled round of the whole class is due.
- ``meta``: the class's assessment, the secret its student links are signed with, when it started.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path
from typing import Any

import sqlalchemy as sa

metadata = sa.MetaData()

meta = sa.Table(
    "meta", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

students = sa.Table(
    "students", metadata,
    sa.Column("student_id", sa.String(40), primary_key=True),
    sa.Column("name", sa.Text),
    sa.Column("email", sa.Text),
    sa.Column("region", sa.String(32)),
    sa.Column("profile", sa.Text),
    sa.Column("role_arn", sa.Text),
    sa.Column("account_id", sa.String(12)),
    sa.Column("extra", sa.JSON),  # the roster's own columns, [[name, value], ...] in the roster's order
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("added_at", sa.DateTime, nullable=False),
    sa.Column("last_check_at", sa.DateTime),
)

results = sa.Table(
    "results", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("digest", sa.String(64), nullable=False, unique=True),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("max_score", sa.Float, nullable=False),
    sa.Column("complete", sa.Boolean, nullable=False),
    sa.Column("body", sa.JSON, nullable=False),  # StudentResult.to_dict(): every check, message, fix, evidence
)

result_tasks = sa.Table(
    "result_tasks", metadata,
    sa.Column("result_id", sa.Integer, sa.ForeignKey("results.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("task_number", sa.Integer, primary_key=True),
    sa.Column("status", sa.String(8), nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("max_score", sa.Float, nullable=False),
)

attempts = sa.Table(
    "attempts", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("student_id", sa.String(40), sa.ForeignKey("students.student_id"), nullable=False),
    sa.Column("graded_at", sa.DateTime, nullable=False),
    sa.Column("trigger", sa.String(16), nullable=False),  # student | schedule | instructor
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("result_id", sa.Integer, sa.ForeignKey("results.id"), nullable=False),
    sa.Column("grader_version", sa.String(64), nullable=False),
    sa.Column("instance", sa.String(128), nullable=False),  # which server instance graded it
    sa.Index("ix_attempts_student_graded", "student_id", "graded_at"),
)

ACTIVE = ("queued", "running")

jobs = sa.Table(
    "jobs", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("student_id", sa.String(40), sa.ForeignKey("students.student_id"), nullable=False),
    sa.Column("trigger", sa.String(16), nullable=False),
    sa.Column("state", sa.String(8), nullable=False),  # queued | running | done | failed
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("claimed_by", sa.String(128)),
    sa.Column("lease_until", sa.DateTime),
    sa.Column("tries", sa.Integer, nullable=False, server_default="0"),
    sa.Column("attempt_id", sa.Integer, sa.ForeignKey("attempts.id")),
    sa.Column("error", sa.Text),
    sa.Column("finished_at", sa.DateTime),
    sa.Index("ix_jobs_state", "state", "id"),
    # One job queued or running per student: a check pressed while the schedule's job waits joins it.
    sa.Index("ux_jobs_one_active", "student_id", unique=True,
             postgresql_where=sa.text("state IN ('queued', 'running')"),
             sqlite_where=sa.text("state IN ('queued', 'running')")),
)

schedules = sa.Table(
    "schedules", metadata,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("every_seconds", sa.Float, nullable=False),
    sa.Column("next_due_at", sa.DateTime, nullable=False),
)


def utcnow() -> dt.datetime:
    """Now in UTC, without a zone: how every time is stored."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def iso(moment: dt.datetime | None) -> str | None:
    """A stored (UTC) time as ISO 8601 with a Z."""
    return None if moment is None else moment.isoformat(timespec="milliseconds") + "Z"


def state_folder() -> Path:
    """Where the sandbox's class database lives, out of the working directory (and so out of any
    repository): ``$XDG_STATE_HOME/aws-assessment-grader``, by default ``~/.local/state/...``."""
    import os

    return Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state") / "aws-assessment-grader"


def default_url(assessment: str, sandbox: bool) -> str:
    """A real class's database in the working directory (the instructor's to keep); the sandbox's in
    :func:`state_folder`."""
    if not sandbox:
        return f"sqlite:///{Path(f'class-{assessment}.sqlite3').resolve()}"
    folder = state_folder()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return f"sqlite:///{folder / f'class-{assessment}-sandbox.sqlite3'}"


def normalise_url(url: str) -> str:
    """``postgresql://`` means psycopg 3 (the driver the ``server`` extra installs); a bare path is SQLite."""
    if "://" not in url:
        return f"sqlite:///{Path(url).resolve()}"
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


class LooseDatabase(Exception):
    """A SQLite class database other users of this machine may read: it holds the secret every student's
    link is signed with, and every email."""


SIDE_FILES = ("-wal", "-shm", "-journal")


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for PostgreSQL, or a database in memory)."""
    parsed = sa.engine.make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:") or (
            parsed.query.get("mode") == "memory"):
        return None
    database = parsed.database
    return Path(database[len("file:"):] if database.startswith("file:") else database)


def private_file(path: Path) -> None:
    """The class database only its owner may read: created ``0600`` before SQLite opens it (SQLite gives
    its ``-wal`` and ``-shm`` the database file's mode), side files left looser by anything else made
    ``0600``; an existing database that group or others may read or write is refused, saying how to fix it."""
    if os.name != "posix":
        return
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise LooseDatabase(
                f"the class database {path} is readable by other users of this machine (mode {mode:04o}): it holds "
                f"the secret of the students' links and their emails; run chmod 600 {path}* and start again") from None
    except FileNotFoundError:
        return  # no such folder: SQLite says so when it opens
    tighten_side_files(path)


def tighten_side_files(path: Path) -> None:
    for suffix in SIDE_FILES:
        side = path.with_name(path.name + suffix)
        try:
            if stat.S_IMODE(side.stat().st_mode) & 0o077:
                os.chmod(side, 0o600)
        except FileNotFoundError:
            pass


def open_engine(url: str, pool_size: int = 10) -> sa.Engine:
    """An engine for the class database. SQLite: one writer at a time (``BEGIN IMMEDIATE`` for writes,
    WAL so readers never wait for it), its files ``0600`` (``private_file``); PostgreSQL: row locks,
    ``SKIP LOCKED`` for the queue."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        path = sqlite_file(url)
        if path is not None:
            private_file(path)
        engine = sa.create_engine(url, connect_args={"timeout": 30}, pool_size=pool_size, max_overflow=2 * pool_size)

        @sa.event.listens_for(engine, "connect")
        def _connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # transactions begin below, not in the driver
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()
            if path is not None:  # the -wal and -shm exist from here on
                tighten_side_files(path)

        @sa.event.listens_for(engine, "begin")
        def _begin(connection: sa.Connection) -> None:
            write = connection.get_execution_options().get("write", False)
            connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    return sa.create_engine(url, pool_size=pool_size, max_overflow=2 * pool_size, pool_pre_ping=True)


MIGRATION_LOCK = 0x67726164  # any constant: the advisory lock migrations take on PostgreSQL


def migrations_config(connection: sa.Connection | None = None) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Bring the database's schema to ``revision`` (every start does: a class database survives upgrades)."""
    from alembic import command

    with engine.connect() as connection:
        connection = connection.execution_options(write=True)
        with connection.begin():
            if connection.dialect.name == "postgresql":  # instances starting together migrate one at a time
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
            command.upgrade(migrations_config(connection), revision)


def revision(engine: sa.Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
