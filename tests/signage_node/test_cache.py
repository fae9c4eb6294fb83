from __future__ import annotations

import logging
from pathlib import Path

import pytest

from shared.wire import NodeConfig
from signage_node.cache import ConfigCache, SnapshotCache, atomic_write
from tests.signage_node.conftest import snapshot


def test_a_saved_snapshot_loads_back(tmp_path: Path) -> None:
    cache = SnapshotCache.for_room(tmp_path, "room-a")
    stored = snapshot(3)
    cache.save(stored)
    assert cache.load() == stored
    assert cache.path == tmp_path / "rooms" / "room-a.json"


def test_saving_replaces_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    cache = SnapshotCache(tmp_path / "room.json")
    cache.save(snapshot(1))
    cache.save(snapshot(2))
    loaded = cache.load()
    assert loaded is not None
    assert loaded.version == 2
    assert [p.name for p in tmp_path.iterdir()] == ["room.json"]


def test_no_file_is_no_snapshot(tmp_path: Path) -> None:
    assert SnapshotCache(tmp_path / "absent.json").load() is None


@pytest.mark.parametrize(
    "content", [b"", b"{half", b'{"schema_version": 1}', b"\xff\xfe", b'{"schema_version": 9}']
)
def test_a_corrupt_file_is_logged_and_treated_as_absent(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, content: bytes
) -> None:
    path = tmp_path / "room.json"
    path.write_bytes(content)
    assert SnapshotCache(path).load() is None
    assert f"ignoring corrupt {path}" in caplog.text


def test_an_unreadable_file_is_logged_and_treated_as_absent(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "room.json").mkdir()
    caplog.set_level(logging.WARNING)
    assert SnapshotCache(tmp_path / "room.json").load() is None
    assert "cannot read" in caplog.text


def test_a_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "file"
    atomic_write(path, b"old")
    with pytest.raises(TypeError):
        atomic_write(path, "not bytes")  # type: ignore[arg-type]
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["file"]


def test_the_config_cache(tmp_path: Path) -> None:
    cache = ConfigCache.in_folder(tmp_path)
    assert cache.load() is None
    cache.save(NodeConfig(node_id="door-1", room_id="room-b"))
    loaded = cache.load()
    assert loaded is not None
    assert loaded.room_id == "room-b"
