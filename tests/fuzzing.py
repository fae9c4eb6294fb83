"""Payloads that are almost right, or not at all: for feeding MQTT handlers.

:func:`mutate` damages a good payload with a seeded ``random.Random``; :func:`payloads` is a
Hypothesis strategy that keeps a wire model's shape and puts anything anywhere in it.
"""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

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


# -- Hypothesis: payloads shaped like the wire models, with anything anywhere ---------------

#: Strings that look right to someone and are wrong to the door.
ODD_STRINGS = (
    "America", "Europe", "posix/Europe/Paris", "../../etc/passwd", "A" * 300, "UTC\x00",
    "\u202eevil\u202c", "\u2066x\u2069", "\x1b[31mred\x1b[0m", "\ud800", "\ufeff",
    "\U0001f600" * 50,
    "inf", "-Infinity", "NaN", "1e999", "9" * 30, "-9" * 19, "0x10", "",
    "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "2025-02-30T10:00:00Z",
    "2025-05-16T10:30:00", "2025-05-16T10:30:00+25:00", "1970-01-01T00:00:00Z",
    "room-a/../room-b", "+", "#", "door-1", "room-b", "identify", "refresh", "offline",
)  # fmt: skip


#: Offsets at both ends of the range (st.timezones() reads the whole zone database: slow).
ZONES = (UTC, timezone(timedelta(hours=14)), timezone(timedelta(hours=-12)),
         timezone(timedelta(seconds=-1)))  # fmt: skip


@dataclass(frozen=True)
class Spliced:
    """A piece of JSON text that ``json.dumps`` cannot write (or would refuse to)."""

    text: str


def _spliced() -> st.SearchStrategy[Spliced]:
    digits = st.integers(19, 200_000).map(lambda n: Spliced("9" * n))
    depth = st.integers(10, 50_000).map(lambda n: Spliced("[" * n + "]" * n))
    constants = st.sampled_from(["NaN", "Infinity", "-Infinity", "1e999", "-0", "1E+400"])
    return st.one_of(digits, depth, constants.map(Spliced))


def _leaves() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.none(), st.booleans(),
        st.integers(), st.integers(-(2**64), 2**64),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=40), st.sampled_from(ODD_STRINGS),
        st.datetimes(timezones=st.sampled_from(ZONES)).map(lambda d: d.isoformat()),
        _spliced(),
    )  # fmt: skip


def wild_values() -> st.SearchStrategy[Any]:
    """Any JSON-ish value: any depth, any type, huge numbers, odd strings."""
    return st.recursive(
        _leaves(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                    max_size=4),
        max_leaves=12,
    )  # fmt: skip


def _locations(value: Any) -> list[tuple[Any, Any]]:
    """Every (container, key) place in a JSON value where a value sits."""
    found: list[tuple[Any, Any]] = []
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, inner in items:
        found.append((value, key))
        if isinstance(inner, dict | list) and inner:
            found.extend(_locations(inner))
    return found


def _dumps(value: Any) -> str:
    """JSON text of ``value``, with every :class:`Spliced` piece written as it is."""
    pieces: list[str] = []

    def default(obj: object) -> str:
        if isinstance(obj, Spliced):
            pieces.append(obj.text)
            return f"\x00SPLICE{len(pieces) - 1}\x00"
        raise TypeError(type(obj).__name__)

    text = json.dumps(value, default=default, allow_nan=True)
    for number, piece in enumerate(pieces):
        text = text.replace(json.dumps(f"\x00SPLICE{number}\x00"), piece)
    return text


@st.composite
def payloads(draw: st.DrawFn, valid: wire.WireModel) -> bytes:
    """``valid``'s JSON with one to four places replaced, removed or buried, then perhaps
    damaged as bytes (cut short, a byte that is not UTF-8, another encoding); always under the
    broker's packet limit."""
    raw: Any = json.loads(wire.encode(valid))
    for _ in range(draw(st.integers(1, 4))):
        container, key = draw(st.sampled_from(_locations(raw)))
        action = draw(st.sampled_from(["replace", "replace", "delete", "bury"]))
        if action == "delete" and isinstance(container, dict):
            del container[key]
        elif action == "bury":
            container[key] = [[container[key]]] if draw(st.booleans()) else {"v": container[key]}
        else:
            container[key] = draw(wild_values())
        if not _locations(raw):
            break
    data = _dumps(raw).encode("utf-8", "surrogatepass")
    # the broker disconnects a client sending more than its packet limit (tested elsewhere)
    assume(len(data) <= wire.MAX_PAYLOAD_BYTES - 4096)
    damage = draw(st.sampled_from(["none"] * 5 + ["cut", "byte", "utf-16"]))
    if damage == "utf-16" and 2 * len(data) > wire.MAX_PAYLOAD_BYTES - 4096:
        damage = "none"
    if damage == "cut":
        return data[: draw(st.integers(0, max(0, len(data) - 1)))]
    if damage == "byte":
        at = draw(st.integers(0, len(data)))
        return data[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80"])) + data[at:]
    if damage == "utf-16":
        return data.decode("utf-8", "surrogatepass").encode("utf-16", "surrogatepass")
    return data
