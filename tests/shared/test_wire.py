from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.errors import PayloadError
from shared.wire import (
    SCHEMA_VERSION,
    ButtonEvent,
    DoorSlot,
    EventInfo,
    HubStatus,
    NodeCommand,
    NodeConfig,
    NodeStatus,
    RoomInfo,
    RoomSnapshot,
    SessionCard,
    SiteInfo,
    WireModel,
    content_hash,
    decode,
    encode,
    with_hash,
)

T0 = datetime(2026, 5, 15, 14, tzinfo=UTC)


def snapshot(version: int = 1, epoch: str = "e1", title: str = "Django") -> RoomSnapshot:
    return with_hash(
        RoomSnapshot(
            epoch=epoch,
            version=version,
            published_at=T0,
            event=EventInfo(name="PyCon US", timezone="America/New_York"),
            room=RoomInfo(id="room-1", name="Room 1"),
            slots=[
                DoorSlot(
                    slot_id=1,
                    start=T0,
                    end=T0 + timedelta(hours=1),
                    kind="session",
                    session=SessionCard(id=7, title=title, host_name="Ana"),
                ),
                DoorSlot(slot_id=2, start=T0 + timedelta(hours=1), end=T0 + timedelta(hours=2),
                         kind="open", add_url="http://hub/add?room=room-1&slot=2"),
            ],
        )
    )  # fmt: skip


ALL_PAYLOADS: list[WireModel] = [
    snapshot(),
    SiteInfo(event=EventInfo(name="PyCon US"), published_at=T0),
    HubStatus(state="online", at=T0),
    NodeConfig(node_id="door-1", room_id="room-1", panel="impression-7.3-spectra6"),
    NodeCommand(id="c1", command="identify", issued_at=T0),
    NodeStatus(node_id="door-1", state="online", at=T0, applied_version=3),
    ButtonEvent(
        event_id="0123456789abcdef", node_id="door-1", room_id="room-1", full=True, pressed_at=T0
    ),
]


@pytest.mark.parametrize("payload", ALL_PAYLOADS, ids=lambda p: type(p).__name__)
def test_every_payload_round_trips(payload: WireModel) -> None:
    data = encode(payload)
    assert json.loads(data)["schema_version"] == SCHEMA_VERSION
    assert decode(type(payload), data) == payload


def test_not_json_is_a_payload_error() -> None:
    with pytest.raises(PayloadError, match="not JSON"):
        decode(HubStatus, b"\xff\xfe garbage")


def test_a_json_array_is_a_payload_error() -> None:
    with pytest.raises(PayloadError, match="JSON object"):
        decode(HubStatus, b"[1, 2]")


def test_another_schema_version_is_refused() -> None:
    with pytest.raises(PayloadError, match="schema_version 2"):
        decode(HubStatus, b'{"schema_version": 2, "state": "online"}')


def test_validation_errors_say_where() -> None:
    with pytest.raises(PayloadError, match="state"):
        decode(HubStatus, b'{"schema_version": 1, "state": "sleepy"}')


def test_unknown_fields_are_ignored_for_forward_compatibility() -> None:
    status = decode(HubStatus, b'{"schema_version": 1, "state": "online", "mood": "good"}')
    assert status.state == "online"


def test_oversized_payloads_are_refused_before_parsing() -> None:
    with pytest.raises(PayloadError, match="bytes"):
        decode(HubStatus, b" " * (300 * 1024))


def test_slot_consistency_is_checked() -> None:
    with pytest.raises(ValueError, match="needs its session"):
        DoorSlot(slot_id=1, start=T0, end=T0 + timedelta(hours=1), kind="session")
    with pytest.raises(ValueError, match="ends before"):
        DoorSlot(slot_id=1, start=T0, end=T0, kind="open")


def test_overlapping_slots_are_refused() -> None:
    raw = json.loads(encode(snapshot()))
    raw["slots"][1]["start"] = raw["slots"][0]["start"]
    with pytest.raises(PayloadError, match="overlap"):
        decode(RoomSnapshot, json.dumps(raw))


def test_unknown_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        EventInfo(name="x", timezone="Mars/Olympus")


def test_content_hash_ignores_version_and_epoch_but_not_content() -> None:
    assert content_hash(snapshot(1, "a")) == content_hash(snapshot(9, "b"))
    assert content_hash(snapshot()) != content_hash(snapshot(title="Flask"))


def test_newer_means_higher_version_in_the_same_epoch_or_any_new_epoch() -> None:
    assert snapshot(2).is_newer_than(snapshot(1))
    assert not snapshot(1).is_newer_than(snapshot(1))
    assert not snapshot(1).is_newer_than(snapshot(2))
    assert snapshot(1, epoch="new").is_newer_than(snapshot(5, epoch="old"))
    assert snapshot(1).is_newer_than(None)


@settings(max_examples=300)
@given(st.binary(max_size=512))
def test_random_bytes_never_raise_anything_but_payload_error(data: bytes) -> None:
    for model in (RoomSnapshot, HubStatus, ButtonEvent, NodeStatus, NodeConfig, NodeCommand):
        with pytest.raises(PayloadError):
            decode(model, data)


@settings(max_examples=200)
@given(
    st.dictionaries(
        st.sampled_from(["schema_version", "state", "at", "node_id", "event_id", "full"]),
        st.one_of(st.none(), st.integers(), st.text(max_size=20), st.booleans()),
    )
)
def test_random_objects_decode_or_raise_payload_error(raw: dict[str, object]) -> None:
    data = json.dumps(raw)
    for model in (HubStatus, ButtonEvent, NodeStatus):
        with contextlib.suppress(PayloadError):
            decode(model, data)
