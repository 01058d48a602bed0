"""The class server's first schema: students, results, attempts, jobs, schedules, meta.

Revision ID: 0001
Revises:
Create Date: 2025-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ACTIVE = sa.text("state IN ('queued', 'running')")


def upgrade() -> None:
    op.create_table(
        "meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "students",
        sa.Column("student_id", sa.String(40), primary_key=True),
        sa.Column("name", sa.Text),
        sa.Column("email", sa.Text),
        sa.Column("region", sa.String(32)),
        sa.Column("profile", sa.Text),
        sa.Column("role_arn", sa.Text),
        sa.Column("account_id", sa.String(12)),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("added_at", sa.DateTime, nullable=False),
        sa.Column("last_check_at", sa.DateTime),
    )
    op.create_table(
        "results",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("digest", sa.String(64), nullable=False, unique=True),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("max_score", sa.Float, nullable=False),
        sa.Column("complete", sa.Boolean, nullable=False),
        sa.Column("body", sa.JSON, nullable=False),
    )
    op.create_table(
        "result_tasks",
        sa.Column("result_id", sa.Integer, sa.ForeignKey("results.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("task_number", sa.Integer, primary_key=True),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("max_score", sa.Float, nullable=False),
    )
    op.create_table(
        "attempts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("student_id", sa.String(40), sa.ForeignKey("students.student_id"), nullable=False),
        sa.Column("graded_at", sa.DateTime, nullable=False),
        sa.Column("trigger", sa.String(16), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("result_id", sa.Integer, sa.ForeignKey("results.id"), nullable=False),
        sa.Column("grader_version", sa.String(64), nullable=False),
        sa.Column("instance", sa.String(128), nullable=False),
    )
    op.create_index("ix_attempts_student_graded", "attempts", ["student_id", "graded_at"])
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("student_id", sa.String(40), sa.ForeignKey("students.student_id"), nullable=False),
        sa.Column("trigger", sa.String(16), nullable=False),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("claimed_by", sa.String(128)),
        sa.Column("lease_until", sa.DateTime),
        sa.Column("tries", sa.Integer, nullable=False, server_default="0"),
        sa.Column("attempt_id", sa.Integer, sa.ForeignKey("attempts.id")),
        sa.Column("error", sa.Text),
        sa.Column("finished_at", sa.DateTime),
    )
    op.create_index("ix_jobs_state", "jobs", ["state", "id"])
    op.create_index("ux_jobs_one_active", "jobs", ["student_id"], unique=True,
                    postgresql_where=ACTIVE, sqlite_where=ACTIVE)
    op.create_table(
        "schedules",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("every_seconds", sa.Float, nullable=False),
        sa.Column("next_due_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    for table in ("schedules", "jobs", "attempts", "result_tasks", "results", "students", "meta"):
        op.drop_table(table)
