"""LTI 1.3: the tool's keys, logins (state and nonce), students' LMS identities, grade passback jobs.

Revision ID: 0003
Revises: 0002
Create Date: 2025-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lti_keys",
        sa.Column("kid", sa.String(64), primary_key=True),
        sa.Column("private_pem", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "lti_launches",
        sa.Column("state", sa.String(64), primary_key=True),
        sa.Column("nonce", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("used_at", sa.DateTime),
    )
    op.create_table(
        "lti_users",
        sa.Column("student_id", sa.String(40), sa.ForeignKey("students.student_id"), primary_key=True),
        sa.Column("sub", sa.String(255), nullable=False),
        sa.Column("lineitem", sa.Text),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "lti_passbacks",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("student_id", sa.String(40), sa.ForeignKey("students.student_id"), nullable=False),
        sa.Column("attempt_id", sa.Integer, sa.ForeignKey("attempts.id"), nullable=False, unique=True),
        sa.Column("sub", sa.String(255), nullable=False),
        sa.Column("lineitem", sa.Text, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("max_score", sa.Float, nullable=False),
        sa.Column("graded_at", sa.DateTime, nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("tries", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_try_at", sa.DateTime, nullable=False),
        sa.Column("claimed_by", sa.String(128)),
        sa.Column("lease_until", sa.DateTime),
        sa.Column("error", sa.Text),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("sent_at", sa.DateTime),
    )
    op.create_index("ix_lti_passbacks_due", "lti_passbacks", ["state", "next_try_at"])
    op.create_index("ix_lti_passbacks_student", "lti_passbacks", ["student_id", "id"])


def downgrade() -> None:
    for table in ("lti_passbacks", "lti_users", "lti_launches", "lti_keys"):
        op.drop_table(table)
