"""``openspaces hub-backup`` / ``hub-restore``: a live copy, and a restore the doors accept."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub import repository as repo
from hub.app import create_app
from hub.settings import HubSettings
from shared import wire
from shared.cli import main
from shared.clock import FakeClock
from tests.hub.conftest import Seeded, TestClient, hub_of, staff


def stored(client: TestClient) -> wire.RoomSnapshot:
    with hub_of(client).database.transaction() as db:
        row = repo.stored_snapshot(db, "room-a")
        assert row is not None
        return wire.RoomSnapshot.model_validate_json(row.payload)


def test_a_restored_backup_gets_a_new_epoch_the_doors_accept(
    settings: HubSettings, seeded: Seeded, clock: FakeClock, tmp_path: Path
) -> None:
    config = tmp_path / "hub.toml"
    config.write_text(f'database_url = "{settings.database_url}"\n')
    copy = tmp_path / "backups" / "hub.db"
    with TestClient(create_app(settings, clock=clock)) as client:
        assert main(["hub-backup", str(copy), "--config", str(config)]) == 0  # while it runs
        before = stored(client)
        body = {"room_id": "room-a", "slot_id": seeded.slot_ids[2], "title": "After the backup"}
        client.post("/api/v1/sessions", json=body, headers=staff(seeded))
        held_by_door = stored(client)  # what the door applied last
    assert held_by_door.version > before.version

    assert main(["hub-restore", str(copy), "--config", str(config)]) == 0
    with TestClient(create_app(settings, clock=clock)) as client:
        restored = stored(client)
        titles = [s.session.title for s in restored.slots if s.session]
    assert restored.epoch != before.epoch
    assert "After the backup" not in titles
    assert restored.is_newer_than(held_by_door)


def test_backup_refuses_to_overwrite_and_restore_needs_a_file(
    settings: HubSettings, seeded: Seeded, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "hub.toml"
    config.write_text(f'database_url = "{settings.database_url}"\n')
    taken = tmp_path / "taken.db"
    taken.write_text("")
    assert main(["hub-backup", str(taken), "--config", str(config)]) == 2
    assert main(["hub-restore", str(tmp_path / "missing.db"), "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "already exists" in err
    assert "no such file" in err
