"""The node's memory on disk: the last snapshot of its room, and the last config the hub sent.

A door that reboots with no network draws from here. Writes are atomic (a temporary file in
the same folder, fsync, ``os.replace``, fsync of the folder), so a power cut leaves either the
old file or the new one. A file that cannot be read or parsed is logged and treated as absent:
the node then waits for the hub rather than failing to start.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from typing import Generic

from shared.errors import PayloadError
from shared.wire import NodeConfig, Payload, RoomSnapshot, decode, encode

log = logging.getLogger(__name__)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that readers and crashes see old or new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


class PayloadFile(Generic[Payload]):
    """One wire payload kept in one file, in its wire encoding."""

    def __init__(self, path: Path, model: type[Payload]) -> None:
        self.path = path
        self._model = model

    def load(self) -> Payload | None:
        """The stored payload, or None if there is none or it cannot be read (logged)."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("cannot read %s, ignoring it: %s", self.path, exc)
            return None
        try:
            return decode(self._model, data)
        except PayloadError as exc:
            log.warning("ignoring corrupt %s: %s", self.path, exc)
            return None

    def save(self, payload: Payload) -> None:
        """Store ``payload`` atomically; raises OSError if the disk refuses."""
        atomic_write(self.path, encode(payload))


class SnapshotCache(PayloadFile[RoomSnapshot]):
    """The last applied snapshot of one room (``state_dir/rooms/{room_id}.json``)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, RoomSnapshot)

    @classmethod
    def for_room(cls, state_dir: Path, room_id: str) -> SnapshotCache:
        return cls(state_dir / "rooms" / f"{room_id}.json")


class ConfigCache(PayloadFile[NodeConfig]):
    """The last config the hub sent (``state_dir/node-config.json``), so an assigned room
    survives a reboot without the broker."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, NodeConfig)

    @classmethod
    def in_folder(cls, state_dir: Path) -> ConfigCache:
        return cls(state_dir / "node-config.json")
