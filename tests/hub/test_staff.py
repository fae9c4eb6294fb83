"""Staff accounts: argon2 passwords, logins that expire, and ``openspaces hub add-staff``."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hub.access.staff import log_in, log_out, login_for_cookie, set_staff_password
from hub.errors import InvalidError
from hub.storage.db import open_database
from hub.storage.models import StaffUser
from shared.cli import main

AT = datetime(2027, 5, 15, 12, tzinfo=UTC)
PASSWORD = "a long enough secret"


def test_passwords_are_hashed_and_logins_expire(tmp_path: Path) -> None:
    database = open_database(f"sqlite:///{tmp_path / 'hub.db'}")
    try:
        with database.transaction() as db:
            assert set_staff_password(db, "alice", PASSWORD) is True
            assert set_staff_password(db, "alice", PASSWORD + "!") is False
            stored = db.query(StaffUser).one().password_hash
            assert stored.startswith("$argon2id$")
            assert PASSWORD not in stored
            assert log_in(db, "alice", PASSWORD, AT) is None, "the old password is gone"
            assert log_in(db, "bob", PASSWORD, AT) is None
            issued = log_in(db, "alice", PASSWORD + "!", AT, timedelta(hours=1))
            assert issued is not None
            login = login_for_cookie(db, issued.cookie, AT + timedelta(minutes=59))
            assert login is not None
            assert login.csrf_token == issued.csrf_token
            assert login.id_hash != issued.cookie, "only a digest of the cookie is stored"
            assert login_for_cookie(db, issued.cookie, AT + timedelta(hours=1)) is None
            log_out(db, issued.cookie)
            assert login_for_cookie(db, issued.cookie, AT) is None
    finally:
        database.dispose()


def test_weak_passwords_and_odd_names_are_refused(tmp_path: Path) -> None:
    database = open_database(f"sqlite:///{tmp_path / 'hub.db'}")
    try:
        with database.transaction() as db:
            with pytest.raises(InvalidError, match="at least 10"):
                set_staff_password(db, "alice", "short")
            with pytest.raises(InvalidError, match="username"):
                set_staff_password(db, "al ice", PASSWORD)
    finally:
        database.dispose()


def config_file(tmp_path: Path) -> Path:
    config = tmp_path / "hub.toml"
    config.write_text(f'database_url = "sqlite:///{tmp_path / "hub.db"}"\n')
    return config


def can_log_in(tmp_path: Path, username: str, password: str) -> bool:
    database = open_database(f"sqlite:///{tmp_path / 'hub.db'}")
    try:
        with database.transaction() as db:
            return log_in(db, username, password, AT) is not None
    finally:
        database.dispose()


def test_add_staff_reads_a_password_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "password"
    secret.write_text(PASSWORD + "\n")
    argv = ["hub", "add-staff", "--config", str(config_file(tmp_path)), "--username", "alice",
            "--password-file", str(secret)]  # fmt: skip
    assert main(argv) == 0
    assert "created 'alice'" in capsys.readouterr().out
    assert can_log_in(tmp_path, "alice", PASSWORD)


def test_add_staff_reads_piped_stdin_and_refuses_short_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = ["hub", "add-staff", "--config", str(config_file(tmp_path)), "--username", "bob"]
    monkeypatch.setattr("sys.stdin", io.StringIO("tiny\n"))
    assert main(argv) == 2
    assert "at least 10 characters" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(argv) == 0
    assert can_log_in(tmp_path, "bob", PASSWORD)
