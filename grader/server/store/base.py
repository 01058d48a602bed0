"""The class database's connection: short transactions, an INSERT that can skip conflicts, and what
every room of the store shares (the errors a caller catches, a student read from a row)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from grader.roster import Student


class UnknownStudent(LookupError):
    """Not a student of this class (or no longer on its roster)."""


class Cooldown(Exception):
    def __init__(self, retry_after: float) -> None:
        super().__init__(f"next check in {retry_after:.0f} s")
        self.retry_after = retry_after



class WrongClass(Exception):
    """The database belongs to another assessment's class."""



def student_of(row: Any) -> Student:
    return Student(row.student_id, row.name, row.email, row.region, row.profile, row.role_arn, row.account_id,
                   tuple((str(k), str(v)) for k, v in row.extra or ()))



class Base:
    """The engine and its transactions; every room of :class:`grader.server.store.Store` builds on it."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"

    # --- transactions -------------------------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[sa.Connection]:
        with self.engine.connect() as connection:
            connection = connection.execution_options(write=True)
            with connection.begin():
                yield connection

    @contextmanager
    def read(self) -> Iterator[sa.Connection]:
        with self.engine.connect() as connection, connection.begin():
            yield connection

    def _insert(self, table: sa.Table) -> Any:
        """An INSERT that can say ON CONFLICT DO NOTHING in this database's dialect."""
        if self.postgres:
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert(table)
