"""SQL for the staff area: staff users, their logged-in browsers, and API token records.

Passwords arrive here already hashed (argon2, :mod:`hub.access.staff`); login ids and API
tokens only as SHA-256 digests. Nothing secret is stored in clear.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session as DbSession

from hub.errors import NotFoundError
from hub.storage.models import StaffLogin, StaffToken, StaffUser


def find_staff_user(db: DbSession, username: str) -> StaffUser | None:
    return db.scalars(select(StaffUser).where(StaffUser.username == username)).first()


def save_staff_user(db: DbSession, username: str, password_hash: str) -> tuple[StaffUser, bool]:
    """Create ``username`` or replace its password hash; also says whether it was created."""
    user = find_staff_user(db, username)
    created = user is None
    if user is None:
        user = StaffUser(username=username, password_hash=password_hash)
        db.add(user)
    else:
        user.password_hash = password_hash
    db.flush()
    return user, created


def add_login(
    db: DbSession, id_hash: str, user: StaffUser, csrf_token: str, at: datetime, expires: datetime
) -> StaffLogin:
    login = StaffLogin(
        id_hash=id_hash, user_id=user.id, csrf_token=csrf_token, created_at=at, expires_at=expires
    )
    db.add(login)
    db.flush()
    return login


def find_login(db: DbSession, id_hash: str, at: datetime) -> StaffLogin | None:
    """The login with that digest, unless it expired before ``at``."""
    login = db.get(StaffLogin, id_hash)
    if login is None or login.expires_at <= at:
        return None
    return login


def end_login(db: DbSession, id_hash: str) -> None:
    db.execute(delete(StaffLogin).where(StaffLogin.id_hash == id_hash))


def drop_expired_logins(db: DbSession, at: datetime) -> None:
    db.execute(delete(StaffLogin).where(StaffLogin.expires_at <= at))


def list_staff_tokens(db: DbSession) -> list[StaffToken]:
    return list(db.scalars(select(StaffToken).order_by(StaffToken.id)))


def revoke_staff_token(db: DbSession, token_id: int) -> StaffToken:
    """Delete the token record; the token stops working at once. Returns the removed record."""
    token = db.get(StaffToken, token_id)
    if token is None:
        raise NotFoundError(f"there is no API token {token_id}")
    db.delete(token)
    db.flush()
    return token
