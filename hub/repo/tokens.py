"""SQL for staff API tokens (stored as SHA-256 digests, never in clear)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from hub.storage.models import StaffToken


def add_staff_token(db: DbSession, name: str, token_hash: str) -> StaffToken:
    token = StaffToken(name=name, token_hash=token_hash)
    db.add(token)
    db.flush()
    return token


def find_staff_token(db: DbSession, token_hash: str) -> StaffToken | None:
    return db.scalars(select(StaffToken).where(StaffToken.token_hash == token_hash)).first()
