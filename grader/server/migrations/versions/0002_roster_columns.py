"""The roster's own columns (section, cohort...) kept with each student, for the reports.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("students") as table:
        table.add_column(sa.Column("extra", sa.JSON))


def downgrade() -> None:
    with op.batch_alter_table("students") as table:
        table.drop_column("extra")
