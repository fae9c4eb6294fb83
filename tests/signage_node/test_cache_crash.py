"""A node killed (SIGKILL) while writing its cache, 100 times: the file on disk is always the
old or the new snapshot, never a broken one."""

from __future__ import annotations

import os
import random
import signal
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from shared.wire import DoorSlot, EventInfo, RoomInfo, RoomSnapshot, SessionCard, with_hash
from signage_node.cache import SnapshotCache

T0 = datetime(2027, 5, 15, 14, tzinfo=UTC)
KILLS = 100


def big_snapshot(version: int) -> RoomSnapshot:
    """A snapshot of ~170 KiB (under the wire limit): its write takes long enough to interrupt."""
    slots = [
        DoorSlot(
            slot_id=i, start=T0 + timedelta(hours=i), end=T0 + timedelta(hours=i + 1),
            kind="session",
            session=SessionCard(
                id=i, title=f"Session {i} v{version} " + "\N{SNAKE}" * 170,
                host_name="\N{SNAKE}" * 70,
            ),
        )
        for i in range(150)
    ]  # fmt: skip
    return with_hash(
        RoomSnapshot(
            epoch="e", version=version, published_at=T0, event=EventInfo(name="PyCon US"),
            room=RoomInfo(id="room-1", name="Room 1"), slots=slots,
        )
    )  # fmt: skip


def write_forever(cache: SnapshotCache, snapshots: list[RoomSnapshot]) -> None:
    """The child: save snapshot after snapshot until killed."""
    while True:
        for snapshot in snapshots:
            cache.save(snapshot)


def test_a_kill_during_a_cache_write_never_leaves_a_broken_file(tmp_path: Path) -> None:
    snapshots = [big_snapshot(v) for v in (1, 2, 3)]
    cache = SnapshotCache(tmp_path / "room-1.json")
    cache.save(snapshots[0])
    rng = random.Random(1234)
    seen: set[int] = set()
    for _ in range(KILLS):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child never returns
            try:
                write_forever(cache, snapshots)
            finally:
                os._exit(0)
        time.sleep(rng.uniform(0.001, 0.03))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        loaded = cache.load()
        assert loaded is not None, "the cache was broken by a kill"
        assert loaded in snapshots
        seen.add(loaded.version)
    assert len(seen) > 1, "the kills never landed between two different writes"
    leftovers = [p for p in tmp_path.iterdir() if p.name != "room-1.json"]
    assert len(leftovers) <= KILLS  # temporary files of killed writes, never the cache itself
