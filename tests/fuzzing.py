"""Payloads that are almost right, or not at all: for feeding MQTT handlers."""

from __future__ import annotations

import json
import random
import uuid
from datetime import UTC, datetime
from typing import Any

from shared import wire
from shared.wire import DoorSlot, EventInfo, RoomInfo, RoomSnapshot, with_hash

MESSAGES = 5_000
T = datetime(2025, 5, 16, 10, 30, tzinfo=UTC)


def mutate(rng: random.Random, valid: bytes) -> bytes:
    """A payload that is almost right, or not at all."""
    kind = rng.randrange(6)
    if kind == 0:
        return rng.randbytes(rng.randrange(0, 300))
    if kind == 1:
        return json.dumps(rng.choice([None, 1, "x", [1, 2], {"a": {"b": []}}, 1e308])).encode()
    raw: dict[str, Any] = json.loads(valid)
    key = rng.choice(sorted(raw))
    if kind == 2:
        raw["schema_version"] = rng.choice([0, 2, "1", None, 1.5])
    elif kind == 3:
        del raw[key]
    elif kind == 4:
        raw[key] = rng.choice([None, -1, 10**30, "", "x" * 5000, [], {}, True, "2025-13-45"])
    else:
        return valid[: rng.randrange(len(valid))]
    return json.dumps(raw).encode()


def examples() -> list[wire.WireModel]:
    """One good payload of every kind, to mutate."""
    room = with_hash(
        RoomSnapshot(
            epoch="e", version=5, published_at=T, event=EventInfo(name="PyCon US"),
            room=RoomInfo(id="room-a", name="Room A"),
            slots=[DoorSlot(slot_id=1, start=T, end=T.replace(hour=11), kind="open")],
        )
    )  # fmt: skip
    return [
        room,
        wire.SiteInfo(event=wire.EventInfo(name="PyCon US"), published_at=T),
        wire.HubStatus(state="online", at=T),
        wire.NodeConfig(node_id="door-1", room_id="room-a"),
        wire.NodeCommand(id="c1", command="identify", issued_at=T),
        wire.NodeStatus(node_id="door-a", state="online", at=T),
        wire.ButtonEvent(event_id=uuid.uuid4().hex, node_id="door-a", room_id="room-a",
                         full=True, pressed_at=T),
    ]  # fmt: skip
