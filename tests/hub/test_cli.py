"""``openspaces hub`` and ``openspaces hub create-token``."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.access.tokens import staff_for_token
from hub.storage.db import open_database
from shared.cli import main


def test_help_describes_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["hub", "--help"], ["hub", "create-token", "--help"]):
        with pytest.raises(SystemExit) as exited:
            main(argv)
        assert exited.value.code == 0
    out = capsys.readouterr().out
    assert "deploy/hub.example.toml" in out
    assert "print it once" in out


def test_create_token_prints_a_working_token(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "hub.toml"
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    config.write_text(f'database_url = "{url}"\n')
    assert main(["hub", "create-token", "--config", str(config), "--name", "alice"]) == 0
    token = capsys.readouterr().out.strip()
    database = open_database(url)
    try:
        with database.transaction() as db:
            found = staff_for_token(db, token)
            assert found is not None
            assert found.name == "alice"
            assert staff_for_token(db, token + "x") is None
    finally:
        database.dispose()


def test_a_broken_config_is_an_error_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "hub.toml"
    config.write_text("listen_port = 'eighty'\n")
    assert main(["hub", "create-token", "--config", str(config), "--name", "x"]) == 2
    assert f"{config}: listen_port:" in capsys.readouterr().err
