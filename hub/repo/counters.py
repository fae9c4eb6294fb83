"""SQL for the hub's metrics: totals kept in the database, so they survive restarts."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from hub.storage.models import ProcessedEvent, VersionCounter


def snapshot_versions(db: DbSession) -> int:
    """How many room snapshot versions were stored (each is published, retained)."""
    return int(db.scalar(select(func.coalesce(func.max(VersionCounter.value), 0))) or 0)


def button_events(db: DbSession) -> int:
    """How many distinct button events were applied (each id counts once)."""
    return int(db.scalar(select(func.count()).select_from(ProcessedEvent)) or 0)
