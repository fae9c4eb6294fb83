"""``openspaces hub import-program FILE|URL`` on a real SQLite file, from a file and a loopback
HTTP server; and the fetch's limits."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from hub import repo
from hub.errors import InvalidError
from hub.feeds.program_fetch import fetch
from hub.storage.db import open_database
from shared.cli import main
from tests.hub.feeds.test_csv_cli import hub_config
from tests.hub.feeds.test_program_import import PROGRAMME

MAPPING = ["--room", "Main Hall B=room-b"]


def labels(config: Path) -> list[tuple[str, str, str | None]]:
    url = config.read_text().split('"')[1]
    database = open_database(url)
    try:
        with database.transaction() as db:
            return [(b.room_id, b.label, b.source) for b in repo.list_blocks(db)]
    finally:
        database.dispose()


class _Files(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test output is not the place for access logs."""


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """A loopback HTTP server for ``tmp_path/www``; yields its base URL."""
    root = tmp_path / "www"
    root.mkdir()
    (root / "schedule.json").write_bytes(PROGRAMME.read_bytes())
    (root / "big.json").write_bytes(b" " * 2048)

    def handler(*args: object, **kwargs: object) -> _Files:
        return _Files(*args, directory=str(root), **kwargs)  # type: ignore[arg-type]

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def test_import_from_a_file_then_again(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = hub_config(tmp_path, "hub")
    command = ["hub", "import-program", "--config", str(config), *MAPPING, str(PROGRAMME)]
    assert main([*command[:2], "--dry-run", *command[2:]]) == 0
    dry = capsys.readouterr().out
    assert "would block: Room A, Sat 2027-05-15 09:00: Opening keynote" in dry
    assert dry.rstrip().endswith(
        "would change: 7 blocked, 0 relabelled, 0 unblocked, 0 unchanged, 1 taken"
    )
    assert labels(config) == [("room-b", "Sponsor workshop", None)]
    assert main(command) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == 'programme "TestCon 2027": 8 talks, 7 in Open Spaces rooms'
    assert "blocked: Room A, Sat 2027-05-15 14:00: Packaging, a deep dive" in out
    assert ('taken: Room B, Sat 2027-05-15 12:00 holds the block made by hand "Sponsor workshop"; '
            "not blocked for Sponsor Q&A") in out  # fmt: skip
    assert 'no Open Spaces room named "Auditorium" (1 talk); map it with --room' in out
    assert "outside every slot: ROOM  a, Sun 2027-05-16 10:00: Day two keynote" in out
    assert out[-1] == "changed: 7 blocked, 0 relabelled, 0 unblocked, 0 unchanged, 1 taken"
    assert len(labels(config)) == 8
    assert main(command) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "unchanged: 0 blocked, 0 relabelled, 0 unblocked, 7 unchanged, 1 taken"
    )


def test_import_from_a_url(tmp_path: Path, server: str, capsys: pytest.CaptureFixture[str]) -> None:
    config = hub_config(tmp_path, "hub")
    url = f"{server}/schedule.json"
    assert main(["hub", "import-program", "--config", str(config), *MAPPING, url]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("changed: 7 blocked")
    assert ("room-a", "Opening keynote", "program") in labels(config)


def test_a_missing_url_or_file_is_an_error_not_a_traceback(
    tmp_path: Path, server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = hub_config(tmp_path, "hub")
    for source, message in [
        (f"{server}/nope.json", "the server answered 404"),
        (str(tmp_path / "nope.json"), "cannot read"),
        ("ftp://127.0.0.1/schedule.json", "only http:// and https:// URLs"),
        ("http://127.0.0.1:9/schedule.json", "cannot fetch"),
    ]:
        assert main(["hub", "import-program", "--config", str(config), source]) == 2
        err = capsys.readouterr().err
        assert message in err
        assert "Traceback" not in err


def test_a_file_that_is_not_a_schedule_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = hub_config(tmp_path, "hub")
    bad = tmp_path / "sessions.csv"
    bad.write_text("room_id,day,start\n")
    assert main(["hub", "import-program", "--config", str(config), str(bad)]) == 2
    assert "the file is not JSON (line 1, column 1" in capsys.readouterr().err
    bad_map = ["hub", "import-program", "--config", str(config), "--room", "X=nope", str(PROGRAMME)]
    assert main(bad_map) == 2
    assert "there is no room 'nope'" in capsys.readouterr().err


def test_fetch_stops_at_the_size_cap(server: str) -> None:
    assert fetch(f"{server}/big.json", max_bytes=2048) == b" " * 2048
    with pytest.raises(InvalidError, match="the answer is over 2047 bytes"):
        fetch(f"{server}/big.json", max_bytes=2047)
