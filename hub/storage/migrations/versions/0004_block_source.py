"""Blocked slots remember what made them: ``source`` ("program" for a programme import) and
``source_ref`` (the talk's guid or id), so a new import changes only the blocks it made.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("blocked_slots", sa.Column("source", sa.String(16), nullable=True))
    op.add_column("blocked_slots", sa.Column("source_ref", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("blocked_slots") as batch:
        batch.drop_column("source_ref")
        batch.drop_column("source")
