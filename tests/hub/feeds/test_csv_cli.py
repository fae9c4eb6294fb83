"""``openspaces hub export-csv`` and ``openspaces hub import-csv`` on real SQLite files."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub import repo
from hub.storage.db import open_database
from shared.cli import main
from tests.hub.conftest import seed

HEADER = "room_id,day,start,title,description,host_name,host_handle,full,status\n"
GOOD = HEADER + "room-a,2027-05-15,10:00,Maker projects,,Ana,@ana,false,scheduled\n"
BAD = GOOD + "room-a,2027-05-15,23:00,Too late,,,,,\n"


def hub_config(tmp_path: Path, name: str) -> Path:
    """A config naming a freshly seeded SQLite database."""
    url = f"sqlite:///{tmp_path / f'{name}.db'}"
    seed(url)
    config = tmp_path / f"{name}.toml"
    config.write_text(f'database_url = "{url}"\n')
    return config


def titles(config: Path) -> list[str]:
    url = config.read_text().split('"')[1]
    database = open_database(url)
    try:
        with database.transaction() as db:
            return [session.title for session in repo.list_sessions(db)]
    finally:
        database.dispose()


def test_import_then_export_round_trips(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = hub_config(tmp_path, "hub")
    source = tmp_path / "in.csv"
    source.write_text(GOOD, encoding="utf-8")
    assert main(["hub", "import-csv", "--config", str(config), str(source)]) == 0
    assert "imported 1 of 1 rows (rooms: room-a)" in capsys.readouterr().out
    out = tmp_path / "out.csv"
    assert main(["hub", "export-csv", "--config", str(config), "--out", str(out)]) == 0
    exported = out.read_text(encoding="utf-8")
    assert exported.replace("\r\n", "\n") == GOOD.replace("@ana", "'@ana")
    other = hub_config(tmp_path, "other")
    assert main(["hub", "import-csv", "--config", str(other), str(out)]) == 0
    assert titles(other) == ["Maker projects"]


def test_bad_rows_are_listed_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = hub_config(tmp_path, "hub")
    source = tmp_path / "in.csv"
    source.write_text(BAD, encoding="utf-8")
    for extra in (["--dry-run"], []):
        assert main(["hub", "import-csv", "--config", str(config), *extra, str(source)]) == 1
        captured = capsys.readouterr()
        assert captured.err.startswith("row 3, column start: there is no slot on 2027-05-15")
    assert titles(config) == []
    skip = ["hub", "import-csv", "--config", str(config), "--skip-bad-rows", str(source)]
    assert main(skip) == 1
    assert titles(config) == ["Maker projects"]


def test_export_to_stdout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = hub_config(tmp_path, "hub")
    assert main(["hub", "export-csv", "--config", str(config)]) == 0
    assert capsys.readouterr().out == HEADER.replace("\n", "\r\n")


def test_a_missing_file_is_an_error_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = hub_config(tmp_path, "hub")
    assert main(["hub", "import-csv", "--config", str(config), str(tmp_path / "nope.csv")]) == 2
    assert "cannot read" in capsys.readouterr().err
