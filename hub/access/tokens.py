"""Staff API tokens: made once, shown once, stored only as a SHA-256 digest.

A token is 32 random URL-safe bytes, so a plain digest (no slow hash) is enough; lookups are by
digest. Staff send it as ``Authorization: Bearer <token>``.
"""

from __future__ import annotations

import secrets

from sqlalchemy.orm import Session as DbSession

from hub.repo.sessions import hash_token
from hub.repo.tokens import add_staff_token, find_staff_token
from hub.storage.models import StaffToken


def create_staff_token(db: DbSession, name: str) -> str:
    """Make a staff token named ``name`` (who or what holds it) and return it in clear, once."""
    token = secrets.token_urlsafe(32)
    add_staff_token(db, name, hash_token(token))
    return token


def staff_for_token(db: DbSession, token: str) -> StaffToken | None:
    """The staff token record matching ``token``, or None."""
    return find_staff_token(db, hash_token(token))
