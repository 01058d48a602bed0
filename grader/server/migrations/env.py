"""Alembic's entry point for the class database: run with the connection :func:`grader.server.db.upgrade` passes.

New revision after changing ``grader/server/db.py`` (from the repository root, against a scratch database)::

    alembic -c grader/server/migrations/alembic.ini revision --autogenerate -m "what changed"
"""

from __future__ import annotations

from alembic import context

import grader.server.lti.tables  # noqa: F401  (the LTI tables, on the same metadata)
from grader.server.db import metadata, open_engine

config = context.config
connection = config.attributes.get("connection")


def run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(connection=connection, target_metadata=metadata,
                      render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters by copying a table
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    run(connection)
else:  # the alembic command line: the database named in alembic.ini or GRADER_DB
    import os

    url = os.environ.get("GRADER_DB") or config.get_main_option("sqlalchemy.url")
    with open_engine(url).connect() as own:
        own = own.execution_options(write=True)
        run(own)
        own.commit()
