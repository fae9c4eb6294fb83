"""The wire format: one pydantic model per MQTT payload, and how they turn into bytes.

Every payload is a UTF-8 JSON object with ``"schema_version": 1``. A receiver decodes with
:func:`decode`, which is total: for any bytes at all it returns a valid payload or raises
:class:`~shared.errors.PayloadError` (never anything else), for bytes that are not UTF-8 JSON,
carry another schema version, fail validation, or hold a number or time out of range (see
:func:`decode`); the caller logs it with the topic and an :func:`excerpt` of the payload, and
drops the message. Unknown fields are ignored, so a newer sender can add optional fields
without a schema bump. ``docs/wire-protocol.md`` describes every payload for people.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, TypeVar, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from shared.errors import PayloadError
from shared.text import SingleLine

SCHEMA_VERSION: Literal[1] = 1
MAX_PAYLOAD_BYTES = 256 * 1024
#: Every integer on the wire fits in a signed 64-bit integer (as in the hub's database).
MAX_WIRE_INT = 2**63 - 1
#: Every time on the wire lies in these years (UTC): far from the ends of ``datetime``, so the
#: door's arithmetic on them cannot overflow; 1970 is where a Pi without a real-time clock
#: starts before its clock is set.
WIRE_YEARS = (1970, 2999)
#: How many bytes of a refused payload go into a log line.
EXCERPT_BYTES = 80

#: An id that can stand in a topic level: no wildcards, no slashes, no spaces.
TopicId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
#: Characters in a text field, and in an announcement, after normalisation.
TEXT_CHARS = 200
ANNOUNCEMENT_CHARS = 280
#: Announcements one payload carries at most.
MAX_ANNOUNCEMENTS = 50
#: Text fields are :func:`shared.text.normalise`-d before their limits are checked.
Text = Annotated[str, StringConstraints(max_length=TEXT_CHARS), SingleLine]
#: A short word a node reports (software version, panel id, epoch, frame hash, address).
ReportWord = Annotated[str, StringConstraints(max_length=64), SingleLine]
SlotKind = Literal["session", "open", "blocked", "moved", "cancelled"]


class WireModel(BaseModel):
    """Base of every payload: immutable, unknown fields ignored, schema version checked."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    schema_version: Literal[1] = SCHEMA_VERSION


class EventInfo(BaseModel):
    """The conference: its name, the IANA time zone its clocks show, and its hashtag."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    name: Text
    timezone: str = "UTC"
    hashtag: Text | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        zone_named(value)
        return value

    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def zone_named(name: str) -> ZoneInfo:
    """The IANA time zone ``name``; ValueError for any string that is not a loadable zone.

    ``ZoneInfo`` reads a file named after the key, so a name that is a folder of the zone
    database (``"America"``) or too long for a file name raises OSError, not the documented
    ``ZoneInfoNotFoundError``: every such failure is a ValueError here.
    """
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ValueError(f"unknown time zone {name[:64]!r}") from exc


class RoomInfo(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    id: TopicId
    name: Text
    location: Text | None = None


class SessionCard(BaseModel):
    """A session as a door shows it: the paper card's topic, host and handle.

    No description: the door does not draw one (the session page, which its QR code opens,
    does), so the snapshot stays small whatever the public types (docs/wire-protocol.md).
    A ``description`` sent by an older hub is ignored.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: int
    title: Text
    host_name: Text = ""
    host_handle: Text = ""
    full: bool = False
    url: str | None = None


class DoorSlot(BaseModel):
    """One one-hour slot of a room, as its door should describe it.

    ``kind`` says what the slot holds: ``session`` (``session`` set), ``open`` (free, with
    ``add_url`` for the add-a-card page), ``blocked`` (taken by another event named in
    ``label``), ``moved`` (``session`` moved to the room named in ``moved_to``), ``cancelled``
    (``session`` was cancelled; ``add_url`` set when the slot is free again).
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    slot_id: int
    start: AwareDatetime
    end: AwareDatetime
    kind: SlotKind
    session: SessionCard | None = None
    label: Text | None = None
    moved_to: Text | None = None
    add_url: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> DoorSlot:
        if self.end <= self.start:
            raise ValueError("slot ends before it starts")
        if self.kind in ("session", "moved", "cancelled") and self.session is None:
            raise ValueError(f"a {self.kind!r} slot needs its session")
        if self.kind == "moved" and not self.moved_to:
            raise ValueError("a 'moved' slot needs moved_to")
        return self


class Announcement(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    id: int
    text: Annotated[str, StringConstraints(min_length=1, max_length=ANNOUNCEMENT_CHARS), SingleLine]
    room_id: TopicId | None = None
    expires_at: AwareDatetime | None = None

    def active(self, at: datetime) -> bool:
        return self.expires_at is None or at < self.expires_at


class Links(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    board: str | None = None
    room_page: str | None = None


class RoomSnapshot(WireModel):
    """``rooms/{room_id}/state`` (retained): everything a door needs, for the whole event.

    ``version`` increases with every change the hub publishes (across all rooms); ``epoch``
    changes when the hub's database is replaced, and a node then accepts any version.
    ``hash`` is :func:`content_hash` of the payload, so equal content has an equal hash.
    """

    epoch: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    version: int = Field(ge=1)
    hash: str = ""
    published_at: AwareDatetime
    event: EventInfo
    room: RoomInfo
    slots: list[DoorSlot] = Field(default_factory=list, max_length=500)
    announcements: list[Announcement] = Field(default_factory=list, max_length=MAX_ANNOUNCEMENTS)
    links: Links = Links()

    @model_validator(mode="after")
    def _slots_in_order(self) -> RoomSnapshot:
        for before, after in zip(self.slots, self.slots[1:], strict=False):
            if after.start < before.end:
                raise ValueError("slots overlap or are out of order")
        return self

    def is_newer_than(self, other: RoomSnapshot | None) -> bool:
        """Whether a node holding ``other`` should apply this one."""
        if other is None or other.epoch != self.epoch:
            return True
        return self.version > other.version


class SiteInfo(WireModel):
    """``site`` (retained): the event and the site-wide announcements."""

    event: EventInfo
    announcements: list[Announcement] = Field(default_factory=list, max_length=MAX_ANNOUNCEMENTS)
    published_at: AwareDatetime


class HubStatus(WireModel):
    """``hub/status`` (retained, and the hub's last will with ``state="offline"``)."""

    state: Literal["online", "offline"]
    at: AwareDatetime | None = None
    #: Bounded like the hub's own setting: a huge value would keep a door from ever saying
    #: "offline since", a tiny one would say it at once.
    heartbeat_s: float = Field(default=10.0, ge=0.01, le=3600)
    hub_version: str = ""


class NodeConfig(WireModel):
    """``nodes/{node_id}/config`` (retained): which room a node shows, and panel options."""

    node_id: TopicId
    room_id: TopicId | None = None
    panel: str | None = None
    rotation: Literal[0, 90, 180, 270] = 0


class NodeCommand(WireModel):
    """``nodes/{node_id}/cmd`` (never retained, sent with a message expiry)."""

    id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    command: Literal["identify", "refresh"]
    issued_at: AwareDatetime
    duration_s: float = Field(default=30.0, gt=0, le=600)


class NodeStatus(WireModel):
    """``nodes/{node_id}/status`` (retained, and the node's last will with ``state="offline"``)."""

    node_id: TopicId
    state: Literal["online", "offline"]
    at: AwareDatetime | None = None
    software_version: ReportWord = ""
    room_id: TopicId | None = None
    panel: ReportWord | None = None
    applied_version: int | None = None
    applied_epoch: ReportWord | None = None
    frame_hash: ReportWord | None = None
    last_refresh_at: AwareDatetime | None = None
    last_refresh_s: float | None = None
    clock_offset_s: float | None = None
    uptime_s: float | None = None
    ip: ReportWord | None = None
    last_error: Annotated[str, StringConstraints(max_length=500), SingleLine] | None = None


class ButtonEvent(WireModel):
    """``nodes/{node_id}/events`` (QoS 1, not retained): a host pressed the door button.

    ``event_id`` is unique per press; the hub applies each id once, however often it arrives.
    ``full`` is the state the door showed after the press, so replays are idempotent.
    """

    event_id: Annotated[str, StringConstraints(min_length=8, max_length=64)]
    node_id: TopicId
    room_id: TopicId
    action: Literal["set_full"] = "set_full"
    full: bool
    session_id: int | None = None
    pressed_at: AwareDatetime
    snapshot_version: int | None = None


Payload = TypeVar("Payload", bound=WireModel)


def encode(payload: WireModel) -> bytes:
    """The payload as the UTF-8 JSON bytes that go on the wire."""
    return payload.model_dump_json().encode("utf-8")


def decode(model: type[Payload], data: bytes | bytearray | str) -> Payload:
    """Parse ``data`` as ``model``; raise :class:`PayloadError` with a short reason if it fails.

    Total: no input makes it raise anything else. Besides the model's own rules it refuses
    bytes that are not UTF-8, JSON's non-standard ``NaN`` and ``Infinity``, nesting deeper than
    the interpreter's recursion limit, and (after validation, wherever they sit) integers past
    :data:`MAX_WIRE_INT`, floats that are not finite and times outside :data:`WIRE_YEARS`.
    """
    if len(data) > MAX_PAYLOAD_BYTES:
        raise PayloadError(f"payload of {len(data)} bytes is over {MAX_PAYLOAD_BYTES}")
    raw = _parse(data)
    if not isinstance(raw, dict):
        raise PayloadError(f"expected a JSON object, got {type(raw).__name__}")
    version = raw.get("schema_version")
    if version != SCHEMA_VERSION:
        raise PayloadError(f"schema_version {_short(version)}, expected {SCHEMA_VERSION}")
    try:
        payload = model.model_validate(raw)
    except ValidationError as exc:
        raise PayloadError(_summarise(exc)) from exc
    except (ValueError, TypeError, ArithmeticError, RecursionError) as exc:
        raise PayloadError(f"invalid: {type(exc).__name__}: {exc}") from exc
    _check_ranges(payload, model.__name__)
    return payload


def _parse(data: bytes | bytearray | str) -> Any:
    """The JSON value of ``data`` (strict UTF-8, finite numbers, 64-bit integers)."""
    try:
        text = data if isinstance(data, str) else bytes(data).decode("utf-8")
        return json.loads(
            text, parse_int=_wire_int, parse_float=_wire_float, parse_constant=_no_constant
        )
    except PayloadError:
        raise
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError and JSONDecodeError too
        raise PayloadError(f"not JSON: {exc}") from exc


def _wire_int(text: str) -> int:
    if len(text) > 20:  # before int(): Python refuses to convert more than 4,300 digits
        raise PayloadError(f"integer of {len(text)} digits is out of range")
    value = int(text)
    if abs(value) > MAX_WIRE_INT:
        raise PayloadError(f"integer {value} is out of range")
    return value


def _wire_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise PayloadError(f"number {text[:40]} is out of range")
    return value


def _no_constant(name: str) -> Any:
    raise PayloadError(f"{name} is not JSON")


def _check_ranges(payload: BaseModel, model: str) -> None:
    """Refuse an int, float or time out of range anywhere in a validated payload (the models
    also turn strings such as ``"inf"`` or ``"1e999"`` into numbers). A quick pass over every
    value; only a payload with a problem is walked again to say where."""
    stack: list[object] = [payload]
    while stack:
        value = stack.pop()
        kind = type(value)
        if kind in _PLAIN:
            continue
        if kind is list or kind is tuple:
            stack.extend(cast("Iterable[object]", value))
        elif isinstance(value, BaseModel):
            stack.extend(value.__dict__.values())
        elif _bad_leaf(value) is not None:
            raise PayloadError(f"{model}{_where(payload)}")


#: Types that are never out of range.
_PLAIN = frozenset({str, bool, type(None)})


def _bad_leaf(value: object) -> str | None:
    """What is wrong with a number or a time, if anything (anything else is fine here)."""
    if isinstance(value, bool | str) or value is None:
        return None
    if isinstance(value, int) and abs(value) > MAX_WIRE_INT:
        return "integer out of range"
    if isinstance(value, float) and not math.isfinite(value):
        return "number out of range"
    if isinstance(value, datetime) and not _in_wire_years(value):
        return f"time {value.isoformat()} out of range"
    return None


def _where(value: object) -> str:
    """``".slots.3.start: time ... out of range"``: the first problem in ``value`` and its
    place ("" if none)."""
    if isinstance(value, BaseModel | list | tuple):
        inner = value.__dict__.items() if isinstance(value, BaseModel) else enumerate(value)
        for place, item in inner:
            found = _where(item)
            if found:
                return f".{place}{found}"
        return ""
    problem = _bad_leaf(value)
    return f": {problem}" if problem is not None else ""


def _in_wire_years(value: datetime) -> bool:
    first, last = WIRE_YEARS
    if not first <= value.year <= last:
        return False
    try:
        return first <= value.astimezone(UTC).year <= last
    except OverflowError:
        return False


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:40]}…"


def excerpt(payload: bytes | bytearray | str, limit: int = EXCERPT_BYTES) -> str:
    """A payload as it may appear in a log line: its first ``limit`` bytes, escaped, and its
    length when cut."""
    data = payload.encode("utf-8", "replace") if isinstance(payload, str) else bytes(payload)
    shown = repr(data[:limit])
    return shown if len(data) <= limit else f"{shown}… ({len(data)} bytes)"


def _summarise(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors()[:3]:
        where = ".".join(str(p) for p in error["loc"]) or "payload"
        parts.append(f"{where}: {error['msg']}")
    more = exc.error_count() - len(parts)
    return "; ".join(parts)[:400] + (f" (+{more} more)" if more > 0 else "")


def content_hash(snapshot: RoomSnapshot) -> str:
    """A hash of what the snapshot says, ignoring its version, epoch, hash and publish time."""
    body = snapshot.model_dump(
        mode="json", exclude={"version", "epoch", "hash", "published_at", "schema_version"}
    )
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


def with_hash(snapshot: RoomSnapshot) -> RoomSnapshot:
    """The snapshot with its ``hash`` field set from its content."""
    return snapshot.model_copy(update={"hash": content_hash(snapshot)})
