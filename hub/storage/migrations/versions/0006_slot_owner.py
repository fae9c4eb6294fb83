"""One owner per slot: a room+slot is blocked or booked (a scheduled session), never both.

``slot_owners`` holds one row per taken room+slot, its primary key the room and slot, and
triggers on ``blocked_slots`` and ``sessions`` keep it: a block inserts a ``block`` row, a
scheduled session a ``session`` row, and removing, cancelling or moving them deletes it. Two
transactions that each checked the slot was free and then block and book it cannot both
commit: the second insert into ``slot_owners`` waits for the first and then fails its primary
key (PostgreSQL), or is serialised behind it (SQLite). The repository turns that into a
:class:`~hub.errors.ConflictError`.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_BACKFILL = [
    "INSERT INTO slot_owners (room_id, slot_id, owner) "
    "SELECT room_id, slot_id, 'block' FROM blocked_slots",
    # A slot that is already both keeps its block as owner (the repository never allowed it).
    "INSERT INTO slot_owners (room_id, slot_id, owner) "
    "SELECT room_id, slot_id, 'session' FROM sessions s WHERE status = 'scheduled' "
    "AND NOT EXISTS (SELECT 1 FROM slot_owners o "
    "WHERE o.room_id = s.room_id AND o.slot_id = s.slot_id)",
]

_DROP_OLD = "DELETE FROM slot_owners WHERE room_id = OLD.room_id AND slot_id = OLD.slot_id"
_CLAIM = "INSERT INTO slot_owners (room_id, slot_id, owner) VALUES (NEW.room_id, NEW.slot_id"

_SQLITE = [
    f"""CREATE TRIGGER slot_owner_block_insert AFTER INSERT ON blocked_slots
    BEGIN {_CLAIM}, 'block'); END""",
    f"""CREATE TRIGGER slot_owner_block_delete AFTER DELETE ON blocked_slots
    BEGIN {_DROP_OLD} AND owner = 'block'; END""",
    f"""CREATE TRIGGER slot_owner_block_update AFTER UPDATE OF room_id, slot_id ON blocked_slots
    BEGIN {_DROP_OLD} AND owner = 'block'; {_CLAIM}, 'block'); END""",
    f"""CREATE TRIGGER slot_owner_session_insert AFTER INSERT ON sessions
    WHEN NEW.status = 'scheduled' BEGIN {_CLAIM}, 'session'); END""",
    f"""CREATE TRIGGER slot_owner_session_delete AFTER DELETE ON sessions
    WHEN OLD.status = 'scheduled' BEGIN {_DROP_OLD} AND owner = 'session'; END""",
    f"""CREATE TRIGGER slot_owner_session_update AFTER UPDATE OF room_id, slot_id, status
    ON sessions BEGIN
    {_DROP_OLD} AND owner = 'session' AND OLD.status = 'scheduled';
    INSERT INTO slot_owners (room_id, slot_id, owner)
    SELECT NEW.room_id, NEW.slot_id, 'session' WHERE NEW.status = 'scheduled'; END""",
]

_POSTGRESQL = [
    f"""CREATE FUNCTION slot_owner_of_block() RETURNS trigger AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN {_DROP_OLD} AND owner = 'block'; END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN {_CLAIM}, 'block'); END IF;
      RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER slot_owner_block AFTER INSERT OR DELETE OR UPDATE OF room_id, slot_id
    ON blocked_slots FOR EACH ROW EXECUTE FUNCTION slot_owner_of_block()""",
    f"""CREATE FUNCTION slot_owner_of_session() RETURNS trigger AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'scheduled' THEN
        {_DROP_OLD} AND owner = 'session';
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'scheduled' THEN
        {_CLAIM}, 'session');
      END IF;
      RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER slot_owner_session AFTER INSERT OR DELETE OR UPDATE OF room_id, slot_id,
    status ON sessions FOR EACH ROW EXECUTE FUNCTION slot_owner_of_session()""",
]


def upgrade() -> None:
    op.create_table(
        "slot_owners",
        sa.Column(
            "room_id", sa.String(64), sa.ForeignKey("rooms.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "slot_id", sa.Integer(), sa.ForeignKey("slots.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("owner", sa.String(16), nullable=False),
    )  # fmt: skip
    for statement in _BACKFILL:
        op.execute(statement)
    dialect = op.get_bind().dialect.name
    for statement in _POSTGRESQL if dialect == "postgresql" else _SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER slot_owner_session ON sessions")
        op.execute("DROP TRIGGER slot_owner_block ON blocked_slots")
        op.execute("DROP FUNCTION slot_owner_of_session()")
        op.execute("DROP FUNCTION slot_owner_of_block()")
    else:
        for name in ("block_insert", "block_delete", "block_update", "session_insert",
                     "session_delete", "session_update"):  # fmt: skip
            op.execute(f"DROP TRIGGER slot_owner_{name}")
    op.drop_table("slot_owners")
