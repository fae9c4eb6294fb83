"""SQL for restoring a hub database from a backup: a new epoch, and no stale snapshots."""

from __future__ import annotations

import secrets

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session as DbSession

from hub.storage.models import Event, PublishedSnapshot


def renew_epoch(db: DbSession) -> str:
    """Give the event a fresh random epoch, so door nodes take the next snapshots whatever
    versions they hold; return it."""
    epoch = secrets.token_hex(8)
    db.execute(update(Event).values(epoch=epoch))
    return epoch


def forget_published(db: DbSession) -> int:
    """Drop the stored snapshots (they carry the old epoch): the hub makes new ones at start."""
    count = db.scalar(select(func.count()).select_from(PublishedSnapshot)) or 0
    db.execute(delete(PublishedSnapshot))
    return int(count)
