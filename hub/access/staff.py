"""Staff accounts and logins: argon2 password hashes and server-side login records.

A login is a random id (32 bytes, URL-safe) that the browser keeps in an HttpOnly cookie; the
database holds only its SHA-256 digest, the staff member, a CSRF token for that browser's forms,
and an expiry. Logging out or expiry ends it. Nothing secret comes from the repository or
configuration: every secret is made at random when it is needed.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session as DbSession

from hub.errors import InvalidError
from hub.repo import staff as staff_repo
from hub.repo.sessions import hash_token
from hub.storage.models import StaffLogin

PASSWORD_MIN_LENGTH = 10
LOGIN_LIFETIME = timedelta(hours=12)
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")

_hasher = PasswordHasher()
#: Verified against when the username is unknown, so both cases take the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class IssuedLogin:
    """A new login: ``cookie`` goes to the browser (once); ``csrf_token`` into its forms."""

    cookie: str
    csrf_token: str
    username: str
    expires_at: datetime


def set_staff_password(db: DbSession, username: str, password: str) -> bool:
    """Create staff member ``username`` or change the password; True if newly created."""
    if not USERNAME.match(username):
        raise InvalidError("a username is 1–64 letters, digits, '.', '_', '@' or '-'")
    if len(password) < PASSWORD_MIN_LENGTH:
        raise InvalidError(f"a password needs at least {PASSWORD_MIN_LENGTH} characters")
    _, created = staff_repo.save_staff_user(db, username, _hasher.hash(password))
    return created


def log_in(
    db: DbSession, username: str, password: str, at: datetime,
    lifetime: timedelta = LOGIN_LIFETIME,
) -> IssuedLogin | None:  # fmt: skip
    """Check the password; on success store a login and return it, else None."""
    user = staff_repo.find_staff_user(db, username)
    if not _verify(user.password_hash if user else _DUMMY_HASH, password) or user is None:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    staff_repo.drop_expired_logins(db, at)
    cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    login = staff_repo.add_login(db, hash_token(cookie), user, csrf, at, at + lifetime)
    return IssuedLogin(cookie, csrf, user.username, login.expires_at)


def login_for_cookie(db: DbSession, cookie: str, at: datetime) -> StaffLogin | None:
    """The unexpired login the browser's cookie names, or None."""
    return staff_repo.find_login(db, hash_token(cookie), at)


def log_out(db: DbSession, cookie: str) -> None:
    staff_repo.end_login(db, hash_token(cookie))


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
