"""A sample event for previews, the gallery and tests: every state a door can be in.

:func:`sample_scene` gives a (snapshot, time, node context) for a named state. The event runs
on two days from 10:00 to 17:00 in its time zone; room "Room 301" holds, on each day, a
session, an open slot, a lunch gap, a session moved to Room 302, a cancelled one, a slot
blocked for another event and a session whose title and host use accents, Greek and Cyrillic.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from shared.render.door import NodeContext
from shared.wire import (
    Announcement,
    DoorSlot,
    EventInfo,
    Links,
    RoomInfo,
    RoomSnapshot,
    SessionCard,
    with_hash,
)

ZONE = "America/New_York"
SAMPLE_DAY = date(2025, 5, 16)
NODE_ID = "door-301"
BASE_URL = "https://openspaces.example.org"

#: State name → (day offset, local time) at which the sample room is in that state.
_MOMENTS: dict[str, tuple[int, time]] = {
    "session": (0, time(10, 20)),
    "full": (0, time(10, 20)),
    "offline": (0, time(10, 20)),
    "open": (0, time(11, 20)),
    "between": (0, time(12, 20)),
    "moved": (0, time(13, 20)),
    "cancelled": (0, time(14, 20)),
    "blocked": (0, time(15, 20)),
    "unicode": (0, time(16, 20)),
    "after_day": (0, time(18, 30)),
    "before_day": (1, time(8, 45)),
    "before": (0, time(8, 15)),
    "after": (1, time(17, 30)),
    "waiting": (0, time(10, 20)),
    "time_unknown": (0, time(10, 20)),
    "identify": (0, time(10, 20)),
    "diagnostic": (0, time(10, 20)),
}
STATES: tuple[str, ...] = tuple(_MOMENTS)
#: The states the gallery shows for every panel.
MAIN_STATES: tuple[str, ...] = (
    "session", "full", "open", "moved", "cancelled", "blocked", "between", "after_day",
    "before", "waiting", "time_unknown", "identify",
)  # fmt: skip


@dataclass(frozen=True)
class Scene:
    """What ``render_door`` needs to draw one state of the sample room."""

    state: str
    snapshot: RoomSnapshot | None
    at: datetime
    context: NodeContext


def sample_scene(state: str, day: date = SAMPLE_DAY, at: datetime | None = None) -> Scene:
    """The sample room in ``state`` on the event starting ``day``.

    ``at`` (aware) overrides the moment; the snapshot then says whatever its slots say then.
    Raise ValueError for an unknown state.
    """
    if state not in _MOMENTS:
        raise ValueError(f"unknown state {state!r}; known: {', '.join(STATES)}")
    offset, clock = _MOMENTS[state]
    zone = ZoneInfo(ZONE)
    moment = at or datetime.combine(day + timedelta(days=offset), clock, zone)
    snapshot = sample_snapshot(day, full=state == "full", with_banner=state == "between")
    context = NodeContext(node_id=NODE_ID)
    if state == "full":
        context = replace(context, also_on_now=("Room 302", "Room 305"))
    elif state == "offline":
        context = replace(context, offline_since=moment - timedelta(minutes=50))
    elif state == "identify":
        context = replace(context, identify=True)
    elif state == "diagnostic":
        context = replace(context, diagnostics=_facts(snapshot))
    elif state == "time_unknown" and at is None:
        moment = datetime(2025, 1, 1, 0, 5, tzinfo=UTC)
    return Scene(state, None if state == "waiting" else snapshot, moment, context)


def sample_snapshot(day: date = SAMPLE_DAY, *, full: bool = False,
                    with_banner: bool = False) -> RoomSnapshot:  # fmt: skip
    """Room 301's snapshot for the two-day sample event starting ``day``."""
    zone = ZoneInfo(ZONE)
    slots = [s for offset in (0, 1) for s in _day_slots(day + timedelta(days=offset), offset)]
    if full:
        first = slots[0]
        card = first.session.model_copy(update={"full": True}) if first.session else None
        slots[0] = first.model_copy(update={"session": card})
    published = datetime.combine(day, time(7, 58), zone)
    announcements = []
    if with_banner:
        announcements.append(Announcement(
            id=1, text="Lunch is served in Hall B until 13:30 — Open Spaces resume at 13:30",
        ))  # fmt: skip
    snapshot = RoomSnapshot(
        epoch="sample", version=42, published_at=published,
        event=EventInfo(name="PyCon US 2025", timezone=ZONE, hashtag="#pycon"),
        room=RoomInfo(id="room-301", name="Room 301"), slots=slots,
        announcements=announcements,
        links=Links(board=f"{BASE_URL}/board", room_page=f"{BASE_URL}/rooms/room-301"),
    )  # fmt: skip
    return with_hash(snapshot)


def _day_slots(day: date, offset: int) -> list[DoorSlot]:
    zone = ZoneInfo(ZONE)
    base = 100 * (offset + 1)

    def slot(hour: int, kind: str, **fields: object) -> DoorSlot:
        start = datetime.combine(day, time(hour), zone)
        return DoorSlot.model_validate({
            "slot_id": base + hour, "start": start, "end": start + timedelta(hours=1),
            "kind": kind, **fields,
        })  # fmt: skip

    def card(number: int, title: str, host: str, handle: str) -> SessionCard:
        return SessionCard(
            id=base + number, title=title, host_name=host, host_handle=handle,
            url=f"{BASE_URL}/s/{base + number}",
        )  # fmt: skip

    add = f"{BASE_URL}/add?room=room-301&slot="
    return [
        slot(10, "session", session=card(
            1, "Packaging Python in 2025: wheels, lockfiles and you", "Ana Lúcia Pereira",
            "@analucia@fosstodon.org",
        )),
        slot(11, "open", add_url=f"{add}{base + 11}"),
        slot(13, "moved", moved_to="Room 302", session=card(
            3, "Mentoring first-time contributors", "Sam Okafor", "@sam"
        )),
        slot(14, "cancelled", add_url=f"{add}{base + 14}",
             session=card(4, "Async database drivers", "Lee Chen", "")),
        slot(15, "blocked", label="PyLadies auction setup"),
        slot(16, "session", session=card(
            6, "Ελληνικά, кириллица и Unicode: names in Python", "Zoë Ñúñez-Παπαδοπούλου",
            "@zoe",
        )),
    ]  # fmt: skip


def _facts(snapshot: RoomSnapshot) -> tuple[tuple[str, str], ...]:
    return (
        ("Node", NODE_ID), ("Room", snapshot.room.id), ("IP", "192.168.1.31"),
        ("Hub", "connected"), ("Software", "0.1.0"),
        ("Snapshot", f"v{snapshot.version} {snapshot.hash[:8]}"),
    )  # fmt: skip


#: Script name → (title, host name) of the sample session in that script: the gallery's pages
#: per script and the OCR test draw these. The Tesseract language that reads each back is in
#: tests/shared/render/test_scripts.py.
SCRIPT_SAMPLES: dict[str, tuple[str, str]] = {
    "latin": ("Żółć, façade and naïve Ångström", "Zoë Ñúñez"),
    "greek": ("Ελληνικά για αρχάριους", "Νίκος Παππάς"),
    "cyrillic": ("Асинхронный Python на практике", "Анна Петрова"),
    "chinese-simplified": ("用Python学习数据分析", "王小明"),
    "chinese-traditional": ("開放空間的資料科學", "陳美麗"),
    "japanese": ("型ヒントを使おう", "山田太郎"),
    "korean": ("파이썬 타입 힌트 입문", "김민수"),
    "arabic": ("تعلم بايثون مع PyCon", "سارة أحمد"),
    "hebrew": ("פייתון למתחילים PyCon", "דנה כהן"),
    "devanagari": ("पायथन में डेटा विज्ञान", "अमित शर्मा"),
    "thai": ("ภาษาไพทอนสำหรับทุกคน", "สมชาย ใจดี"),
    "emoji": ("Coffee ☕ and 🐍 Python 🎉", "Sam ✨"),
}  # fmt: skip


def script_scene(script: str, state: str = "session") -> Scene:
    """:func:`sample_scene` with the current session's title and host in ``script`` (a key of
    :data:`SCRIPT_SAMPLES`); raise ValueError for an unknown script."""
    if script not in SCRIPT_SAMPLES:
        raise ValueError(f"unknown script {script!r}; known: {', '.join(SCRIPT_SAMPLES)}")
    scene = sample_scene(state)
    if scene.snapshot is None:
        return scene
    title, host = SCRIPT_SAMPLES[script]
    slots = list(scene.snapshot.slots)
    first = slots[0]
    assert first.session is not None
    card = first.session.model_copy(update={"title": title, "host_name": host})
    slots[0] = first.model_copy(update={"session": card})
    return replace(scene, snapshot=with_hash(scene.snapshot.model_copy(update={"slots": slots})))
