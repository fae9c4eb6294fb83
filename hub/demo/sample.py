"""The demo's sample event: an "Open Spaces demo" board, laid out around "now".

:func:`sample_plan` is pure: given the moment the demo starts and a time zone, it returns the
rooms, the one-hour slots of three days and the cards on the board, arranged so that whatever
the hour, a session is on now in the first room and another is next. Today's slots stay
within today (the day never runs past 23:00 into the next; they start at 07:00 at the
earliest unless the demo starts earlier), the next two days run 10:00–17:00. The plan also
holds one of each door state (a full room, an open slot, a blocked slot, a session moved to
another room and a cancelled one) and a few ideas on the ideas wall.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class PlannedRoom:
    id: str
    name: str
    capacity: int
    location: str


@dataclass(frozen=True)
class PlannedSlot:
    day: date
    start: datetime
    end: datetime


@dataclass(frozen=True)
class PlannedCard:
    room_id: str
    slot: int  # index into SamplePlan.slots
    title: str
    description: str
    host_name: str
    host_handle: str
    full: bool = False
    cancelled: bool = False
    moved_to: str | None = None  # room id it moves to after being created


@dataclass(frozen=True)
class PlannedBlock:
    room_id: str
    slot: int
    label: str


@dataclass(frozen=True)
class PlannedIdea:
    title: str
    description: str
    proposer: str


@dataclass
class SamplePlan:
    name: str
    timezone: str
    hashtag: str
    rooms: list[PlannedRoom]
    slots: list[PlannedSlot]
    cards: list[PlannedCard] = field(default_factory=list)
    blocks: list[PlannedBlock] = field(default_factory=list)
    now_slot: int = 0
    ideas: list[PlannedIdea] = field(default_factory=list)

    def days(self) -> list[date]:
        return sorted({s.day for s in self.slots})


ROOMS = [
    PlannedRoom("room-250a", "Room 250A", 40, "Level 2, north"),
    PlannedRoom("room-250b", "Room 250B", 40, "Level 2, north"),
    PlannedRoom("room-250c", "Room 250C", 30, "Level 2, north"),
    PlannedRoom("room-251", "Room 251", 25, "Level 2, east"),
    PlannedRoom("room-252", "Room 252", 60, "Level 2, east"),
]

TOPICS = [
    ("Maker projects with Raspberry Pis", "Show what you built: sensors, e-ink, robots. "
     "Bring your board!", "Ana López", "@ana_makes"),
    ("Data visualisation show and tell", "Favourite charts, worst charts, and the tools "
     "behind them.", "Priya Natarajan", "@priyaviz"),
    ("NLP and chatbots after the hype", "What works in production, what doesn't.",
     "Jonas Weber", "@jweber"),
    ("PyLadies organisers meetup", "Chapter organisers swap notes on events, sponsors "
     "and keeping volunteers happy.", "Mariana Costa", "@maricosta"),
    ("Django: async in real projects", "Where async views pay off and where they hurt.",
     "Kwame Mensah", "@kwame_dev"),
    ("Your first open-source contribution", "Pick an issue, open a pull request, with "
     "maintainers in the room.", "Sofía Ramírez", "@sofiaoss"),
    ("Avoiding burnout", "An honest talk about maintaining, working and resting.",
     "Dmitri Ivanov", "@dimaivanov"),
    ("Packaging in 2026", "pyproject, lock files and what to tell beginners.",
     "Chloé Martin", "@chloepkg"),
    ("Teaching Python to kids", "Curricula, games and hardware that keeps them hooked.",
     "Yuki Tanaka", "@yukit"),
    ("Type hints: how strict is too strict?", "mypy --strict in big codebases.",
     "Oluwaseun Adeyemi", "@seun"),
    ("Python in astronomy", "Pipelines for telescopes, from FITS files to papers.",
     "Έλενα Παπαδοπούλου", "@elena_astro"),
    ("Testing with real dependencies", "Brokers, databases and browsers in CI.",
     "Алексей Смирнов", "@alexsmirnov"),
    ("Mentoring newcomers", "How to be the mentor you wish you had.", "Grace Okafor",
     "@graceok"),
    ("Scientific Python roadmap", "NumPy, SciPy and friends: what's next.",
     "Lars Nilsson", "@larsn"),
]  # fmt: skip

IDEAS = [
    PlannedIdea("Rust extensions for Python", "PyO3, maturin and war stories from "
                "rewriting the slow 5 %.", "Noor"),
    PlannedIdea("Accessibility audits of our docs", "Screen readers, contrast and what "
                "Sphinx themes get wrong.", "Tomás"),
    PlannedIdea("Running a local user group", "Venues, speakers, and keeping it going "
                "after the first year.", "Ifeoma"),
]  # fmt: skip

#: The demo's first hour of the day, unless it starts earlier than that.
FIRST_HOUR = 7

#: (room index, slot offset from the current slot, topic index, extras)
TODAY: list[tuple[int, int, int, dict[str, object]]] = [
    (0, -2, 7, {}),
    (1, -2, 8, {}),
    (0, -1, 9, {}),
    (2, -1, 12, {}),
    (0, 0, 0, {}),
    (1, 0, 1, {"full": True}),
    (2, 0, 2, {}),
    (0, 1, 3, {}),
    (1, 1, 4, {"moved_to": "room-251"}),
    (2, 1, 5, {"cancelled": True}),
    (4, 1, 6, {}),
    (0, 2, 10, {}),
    (3, 2, 11, {}),
    (4, 3, 13, {}),
]


def sample_plan(now: datetime, timezone: str) -> SamplePlan:
    """The sample event laid out so that the slot holding ``now`` is the current one."""
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    first = max(local.hour - 2, min(local.hour, FIRST_HOUR))
    last = min(local.hour + 5, 23)
    today = [_slot(datetime.combine(local.date(), time(h), zone), zone)
             for h in range(first, last + 1)]  # fmt: skip
    later = [
        _slot(datetime.combine(local.date() + timedelta(days=d), time(h), zone), zone)
        for d in (1, 2)
        for h in range(10, 17)
    ]
    slots = today + [s for s in later if s.start >= today[-1].end]
    plan = SamplePlan("Open Spaces demo", timezone, "#OpenSpacesDemo", ROOMS, slots,
                      now_slot=local.hour - first, ideas=list(IDEAS))  # fmt: skip
    for room_index, offset, topic_index, extras in TODAY:
        if 0 <= plan.now_slot + offset < len(slots):
            room_id = ROOMS[room_index].id
            plan.cards.append(_card(room_id, plan.now_slot + offset, topic_index, extras))
    plan.blocks.append(PlannedBlock("room-252", plan.now_slot, "Sponsor workshop"))
    if plan.now_slot + 3 < len(slots):
        plan.blocks.append(PlannedBlock("room-250c", plan.now_slot + 3, "PyLadies auction setup"))
    topic = 0
    for index in range(len(today), len(slots)):
        for number, room in enumerate(ROOMS):
            if (number + index) % 3 == 0:
                plan.cards.append(_card(room.id, index, topic % len(TOPICS), {}))
                topic += 1
    return _without_clashes(plan)


def _slot(start: datetime, zone: ZoneInfo) -> PlannedSlot:
    start = start.astimezone(zone)
    return PlannedSlot(start.date(), start, (start + timedelta(hours=1)).astimezone(zone))


def _card(room_id: str, slot: int, topic: int, extras: dict[str, object]) -> PlannedCard:
    title, description, host, handle = TOPICS[topic]
    return PlannedCard(
        room_id, slot, title, description, host, handle,
        full=bool(extras.get("full", False)),
        cancelled=bool(extras.get("cancelled", False)),
        moved_to=str(extras["moved_to"]) if "moved_to" in extras else None,
    )  # fmt: skip


def _without_clashes(plan: SamplePlan) -> SamplePlan:
    """Drop later cards that would land on a taken or blocked room+slot."""
    taken = {(b.room_id, b.slot) for b in plan.blocks}
    kept: list[PlannedCard] = []
    for card in plan.cards:
        final_room = card.moved_to or card.room_id
        keys = {(card.room_id, card.slot), (final_room, card.slot)}
        if keys & taken:
            continue
        taken |= keys if not card.cancelled else set()
        kept.append(card)
    plan.cards = kept
    return plan
