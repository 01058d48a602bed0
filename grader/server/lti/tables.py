"""The LTI tables of the class database (revision ``0002``), on :data:`grader.server.db.metadata`.

- ``lti_keys``: the tool's RSA signing keys (``kid``, private key in PKCS#8 PEM, created); the newest
  signs, every key not yet retired is published at ``/lti/jwks``. Every instance reads the same rows.
- ``lti_launches``: one row per third-party login: its ``state`` and ``nonce``; a launch consumes it
  (``used_at``), so a nonce opens one launch, once, within ten minutes.
- ``lti_users``: who a student is in the LMS: the platform's ``sub`` (the ``userId`` of a score) and the
  line item their launch named.
- ``lti_passbacks``: grade passback as jobs, one per attempt at most (``attempt_id`` unique): queued,
  running under a lease, done; retried with backoff (``next_try_at``) while the LMS does not answer.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from grader.server.db import metadata

lti_keys = sa.Table(
    "lti_keys", metadata,
    sa.Column("kid", sa.String(64), primary_key=True),
    sa.Column("private_pem", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

lti_launches = sa.Table(
    "lti_launches", metadata,
    sa.Column("state", sa.String(64), primary_key=True),
    sa.Column("nonce", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("used_at", sa.DateTime),
)

lti_users = sa.Table(
    "lti_users", metadata,
    sa.Column("student_id", sa.String(40), sa.ForeignKey("students.student_id"), primary_key=True),
    sa.Column("sub", sa.String(255), nullable=False),
    sa.Column("lineitem", sa.Text),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)

lti_passbacks = sa.Table(
    "lti_passbacks", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("student_id", sa.String(40), sa.ForeignKey("students.student_id"), nullable=False),
    sa.Column("attempt_id", sa.Integer, sa.ForeignKey("attempts.id"), nullable=False, unique=True),
    sa.Column("sub", sa.String(255), nullable=False),
    sa.Column("lineitem", sa.Text, nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("max_score", sa.Float, nullable=False),
    sa.Column("graded_at", sa.DateTime, nullable=False),  # the score's timestamp
    sa.Column("state", sa.String(10), nullable=False),  # queued | running | done | failed | superseded
    sa.Column("tries", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_try_at", sa.DateTime, nullable=False),
    sa.Column("claimed_by", sa.String(128)),
    sa.Column("lease_until", sa.DateTime),
    sa.Column("error", sa.Text),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("sent_at", sa.DateTime),
    sa.Index("ix_lti_passbacks_due", "state", "next_try_at"),
    sa.Index("ix_lti_passbacks_student", "student_id", "id"),
)


def insert(engine_or_connection: Any, table: sa.Table) -> Any:
    """An INSERT that can say ON CONFLICT DO NOTHING in this database's dialect."""
    if engine_or_connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    return dialect_insert(table)
