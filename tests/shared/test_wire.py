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
    excerpt,
    with_hash,
    zone_named,
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


SITE = '{"schema_version": 1, "event": {"name": "x", "timezone": %s}, "published_at": "%s"}'


@pytest.mark.parametrize(
    "zone", ["America", "Europe", "posix", "zone.tab", "A" * 5000, "../../etc/passwd", "UTC\\u0000"]
)
def test_a_zone_that_is_not_a_loadable_iana_zone_is_a_payload_error(zone: str) -> None:
    """``ZoneInfo("America")`` raises IsADirectoryError, a name past 255 bytes OSError."""
    with pytest.raises(PayloadError, match="unknown time zone"):
        decode(SiteInfo, SITE % (json.dumps(zone), T0.isoformat()))


def test_the_hubs_zone_check_refuses_a_folder_of_the_zone_database() -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        zone_named("America")
    assert zone_named("America/New_York").key == "America/New_York"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ('{"schema_version": 1, "state": "online", "x": %s}' % ("9" * 200_000), "200000 digits"),
        ('{"schema_version": %s}' % ("9" * 5000), "5000 digits"),
        ('{"schema_version": 1, "state": "online", "x": -9223372036854775809}', "out of range"),
        ('{"schema_version": 1, "state": "online", "heartbeat_s": NaN}', "NaN is not JSON"),
        ('{"schema_version": 1, "state": "online", "heartbeat_s": -Infinity}', "Infinity"),
        ('{"schema_version": 1, "state": "online", "heartbeat_s": 1e999}', "out of range"),
        ('{"schema_version": 1, "state": "online", "heartbeat_s": "inf"}', "heartbeat_s"),
        ('{"schema_version": 1, "state": "online", "at": "0001-01-01T00:00:00+14:00"}', "at"),
        ('{"schema_version": 1, "state": "online", "at": "9999-12-31T23:59:59-12:00"}', "at"),
        ('{"schema_version": 1, "x": %s}' % ("[" * 100_000 + "]" * 100_000), "not JSON"),
    ],
    ids=["200k-digits", "big-version", "past-int64", "nan", "-inf", "1e999", "inf-string",
         "year-1", "year-9999", "deep"],
)  # fmt: skip
def test_numbers_times_and_depth_out_of_range_are_payload_errors(data: str, reason: str) -> None:
    with pytest.raises(PayloadError, match=reason):
        decode(HubStatus, data)


def test_a_huge_integer_in_a_string_field_an_int_field_accepts_is_refused() -> None:
    raw = json.loads(encode(ALL_PAYLOADS[-1]))
    raw["session_id"] = "9" * 30  # pydantic turns a numeric string into an int of any size
    with pytest.raises(PayloadError, match="session_id: integer out of range"):
        decode(ButtonEvent, json.dumps(raw))


@pytest.mark.parametrize(
    "data", ['{"schema_version": 1}'.encode("utf-16"), b'{"schema_version": 1, "state": "\xff"}']
)
def test_bytes_that_are_not_utf8_are_refused(data: bytes) -> None:
    with pytest.raises(PayloadError, match="utf-8"):
        decode(HubStatus, data)


def test_an_excerpt_of_a_payload_is_short_and_says_how_long_it_was() -> None:
    assert excerpt(b'{"a": 1}') == "b'{\"a\": 1}'"
    long = excerpt(b"\x00" * 10_000)
    assert long.endswith("… (10000 bytes)")
    assert len(long) < 400


@pytest.mark.parametrize("heartbeat", ["1e300", "1e-300", "0", "-5"])
def test_a_heartbeat_out_of_bounds_is_refused(heartbeat: str) -> None:
    """A door trusts the hub's heartbeat interval for "offline since": it must be sane."""
    payload = f'{{"schema_version": 1, "state": "online", "heartbeat_s": {heartbeat}}}'
    with pytest.raises(PayloadError):
        decode(HubStatus, payload.encode())
