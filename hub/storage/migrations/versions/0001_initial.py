"""The first schema: event, days, slots, rooms, sessions, nodes, snapshots and tokens.

Revision ID: 0001
Revises:
Create Date: 2026-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SCHEDULED_ONLY = sa.text("status = 'scheduled'")


def upgrade() -> None:
    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("hashtag", sa.String(200), nullable=True),
        sa.Column("epoch", sa.String(64), nullable=False),
    )
    op.create_table(
        "days",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("date", sa.Date(), nullable=False, unique=True),
    )
    op.create_table(
        "slots",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "day_id", sa.Integer(), sa.ForeignKey("days.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("start", sa.DateTime(), nullable=False, unique=True),
        sa.Column("end", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_slots_day_id", "slots", ["day_id"])
    op.create_table(
        "rooms",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("location", sa.String(200), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
    )
    op.create_table(
        "blocked_slots",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "room_id", sa.String(64), sa.ForeignKey("rooms.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "slot_id", sa.Integer(), sa.ForeignKey("slots.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("label", sa.String(200), nullable=False),
        sa.UniqueConstraint("room_id", "slot_id"),
    )
    _create_sessions()
    _create_fleet_and_publishing()


def _create_sessions() -> None:
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("room_id", sa.String(64), sa.ForeignKey("rooms.id"), nullable=False),
        sa.Column("slot_id", sa.Integer(), sa.ForeignKey("slots.id"), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("host_name", sa.String(200), nullable=False),
        sa.Column("host_handle", sa.String(200), nullable=False),
        sa.Column("full", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("edit_token_hash", sa.String(64), nullable=True, unique=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_sessions_room_id", "sessions", ["room_id"])
    op.create_index("ix_sessions_slot_id", "sessions", ["slot_id"])
    op.create_index(
        "uq_sessions_room_slot_scheduled",
        "sessions",
        ["room_id", "slot_id"],
        unique=True,
        sqlite_where=SCHEDULED_ONLY,
        postgresql_where=SCHEDULED_ONLY,
    )
    op.create_table(
        "moved_notices",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "room_id", sa.String(64), sa.ForeignKey("rooms.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "slot_id", sa.Integer(), sa.ForeignKey("slots.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "session_id",
            sa.Integer(),
            sa.ForeignKey("sessions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_moved_notices_room_id", "moved_notices", ["room_id"])
    op.create_table(
        "announcements",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("text", sa.String(280), nullable=False),
        sa.Column(
            "room_id", sa.String(64), sa.ForeignKey("rooms.id", ondelete="CASCADE"), nullable=True
        ),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )


def _create_fleet_and_publishing() -> None:
    op.create_table(
        "nodes",
        sa.Column("node_id", sa.String(64), primary_key=True),
        sa.Column(
            "room_id", sa.String(64), sa.ForeignKey("rooms.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("panel", sa.String(64), nullable=True),
        sa.Column("last_status", sa.Text(), nullable=True),
        sa.Column("last_seen", sa.DateTime(), nullable=True),
        sa.Column("online", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "processed_events",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("node_id", sa.String(64), nullable=False),
        sa.Column("processed_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "published_snapshots",
        sa.Column(
            "room_id",
            sa.String(64),
            sa.ForeignKey("rooms.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
    )
    counter = op.create_table(
        "version_counter",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("value", sa.Integer(), nullable=False),
    )
    op.bulk_insert(counter, [{"id": 1, "value": 0}])
    op.create_table(
        "staff_tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "staff_tokens", "version_counter", "published_snapshots", "processed_events", "nodes",
        "announcements", "moved_notices", "sessions", "blocked_slots", "rooms", "slots", "days",
        "event",
    ):  # fmt: skip
        op.drop_table(table)
