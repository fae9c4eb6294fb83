"""Which slots a programme takes, compared with the board: a pure function, :func:`plan`.

A talk held in an Open Spaces room takes every one-hour slot it overlaps: a 30-minute talk at
10:45 takes 10:00 and 11:00, a 90-minute one at 09:00 takes 09:00 and 10:00, a talk with no
duration the slot it starts in. A programme room is an Open Spaces room when the ``mapping``
says so (programme room name → room id), else when their names are equal ignoring case and
spaces. The wanted blocks are then compared with the board:

- a slot holding a card (a scheduled session) or a block staff made by hand is *taken*: it is
  reported and left alone;
- a programme block already there with the same label and talks is kept, with another label
  it is updated; programme blocks no longer wanted are removed; the rest are added.

Only blocks whose ``source`` is :data:`PROGRAM` are ever updated or removed.
"""

from __future__ import annotations

import bisect
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from hub.errors import InvalidError
from hub.feeds.program_format import Talk

#: ``BlockedSlot.source`` of the blocks a programme import makes.
PROGRAM = "program"
#: Longest block label (the staff API's limit for labels); longer titles end in an ellipsis.
MAX_LABEL = 120
#: ``BlockedSlot.source_ref`` column size: the talks' refs, as many whole ones as fit.
MAX_REF = 200
UNTITLED = "Main programme"

_RoomOf = Callable[[str], str | None]


@dataclass(frozen=True)
class BoardRoom:
    id: str
    name: str


@dataclass(frozen=True)
class BoardSlot:
    id: int
    start: datetime
    end: datetime


@dataclass(frozen=True)
class BoardBlock:
    id: int
    room_id: str
    slot_id: int
    label: str
    source: str | None
    source_ref: str | None


@dataclass(frozen=True)
class BoardCard:
    """A scheduled session's room, slot and title."""

    room_id: str
    slot_id: int
    title: str


@dataclass(frozen=True)
class Board:
    """What :func:`plan` needs to know about the hub's board."""

    rooms: list[BoardRoom]
    slots: list[BoardSlot]
    blocks: list[BoardBlock]
    cards: list[BoardCard]


@dataclass(frozen=True)
class Wanted:
    """A block the programme wants: ``room_id`` at ``slot_id``, for ``talks``."""

    room_id: str
    slot_id: int
    talks: tuple[Talk, ...]

    @property
    def label(self) -> str:
        return make_label(talk.title for talk in self.talks)

    @property
    def source_ref(self) -> str:
        refs: list[str] = []
        for ref in dict.fromkeys(talk.ref for talk in self.talks):
            if len(" ".join([*refs, ref])) > MAX_REF:
                break
            refs.append(ref)
        return " ".join(refs)


@dataclass(frozen=True)
class Taken:
    """A wanted block left out: the slot holds a card (``session``) or a manual ``block``."""

    wanted: Wanted
    by: Literal["session", "block"]
    what: str


@dataclass
class Plan:
    """What an import of the programme does to the board."""

    talks: int
    matched_talks: int = 0
    add: list[Wanted] = field(default_factory=list)
    update: list[tuple[BoardBlock, Wanted]] = field(default_factory=list)
    remove: list[BoardBlock] = field(default_factory=list)
    kept: list[BoardBlock] = field(default_factory=list)
    taken: list[Taken] = field(default_factory=list)
    unmatched_rooms: dict[str, int] = field(default_factory=dict)
    outside: list[Talk] = field(default_factory=list)

    @property
    def changes(self) -> bool:
        return bool(self.add or self.update or self.remove)

    @property
    def room_ids(self) -> list[str]:
        """The rooms whose blocks change."""
        touched = [w.room_id for w in self.add] + [b.room_id for b in self.remove]
        return sorted({*touched, *(block.room_id for block, _ in self.update)})


def plan(talks: list[Talk], board: Board, mapping: Mapping[str, str]) -> Plan:
    """Compare the blocks ``talks`` want with ``board``; see the module docstring."""
    room_of = _matcher(board.rooms, mapping)
    result = Plan(talks=len(talks))
    unmatched: Counter[str] = Counter()
    wanted: dict[tuple[str, int], list[Talk]] = defaultdict(list)
    slots = sorted(board.slots, key=lambda slot: slot.start)
    ends = [slot.end for slot in slots]
    for talk in _unique(talks):
        room_id = room_of(talk.room)
        if room_id is None:
            unmatched[talk.room] += 1
            continue
        result.matched_talks += 1
        overlapped = _overlapped(slots, ends, talk)
        if not overlapped:
            result.outside.append(talk)
        for slot in overlapped:
            wanted[room_id, slot.id].append(talk)
    result.unmatched_rooms = dict(sorted(unmatched.items()))
    _compare(result, [Wanted(r, s, tuple(ts)) for (r, s), ts in wanted.items()], board)
    return result


def parse_mapping(specs: Iterable[str]) -> dict[str, str]:
    """``["Hall 1=room-a", ...]`` as ``{"Hall 1": "room-a"}``; :class:`InvalidError` if bad."""
    mapping: dict[str, str] = {}
    for spec in specs:
        name, sep, room_id = spec.rpartition("=")
        if not sep or not name.strip() or not room_id.strip():
            raise InvalidError(
                f"room mapping {spec!r} is not 'Name in programme=room-id'"
            )  # fmt: skip
        mapping[name.strip()] = room_id.strip()
    return mapping


def make_label(titles: Iterable[str]) -> str:
    """The talks' titles, cleaned (one line, no control characters), joined and capped."""
    cleaned = [_clean(title) for title in titles]
    label = " / ".join(dict.fromkeys(title for title in cleaned if title)) or UNTITLED
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = "".join(" " if unicodedata.category(c).startswith("C") else c for c in text)
    return " ".join(text.split())


def room_key(name: str) -> str:
    """How room names are compared: case and spaces ignored."""
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


def _matcher(rooms: list[BoardRoom], mapping: Mapping[str, str]) -> _RoomOf:
    ids = {room.id for room in rooms}
    for name, room_id in mapping.items():
        if room_id not in ids:
            raise InvalidError(f"room mapping {name!r}={room_id!r}: there is no room {room_id!r}")
    by_name = {room_key(room.name): room.id for room in rooms}
    by_name.update({room_key(name): room_id for name, room_id in mapping.items()})
    return lambda name: by_name.get(room_key(name))


def _unique(talks: list[Talk]) -> list[Talk]:
    """Each talk once (an export may list one under two keys), by ref and room."""
    return list({(talk.ref, talk.room, talk.start): talk for talk in talks}.values())


def _overlapped(slots: list[BoardSlot], ends: list[datetime], talk: Talk) -> list[BoardSlot]:
    """The slots (sorted by start, not overlapping; ``ends`` their ends) that ``talk`` overlaps."""
    end = talk.end if talk.end > talk.start else talk.start + timedelta(microseconds=1)
    first = bisect.bisect_right(ends, talk.start)
    found = []
    for slot in slots[first:]:
        if slot.start >= end:
            break
        found.append(slot)
    return found


def _compare(result: Plan, wanted: list[Wanted], board: Board) -> None:
    blocks = {(block.room_id, block.slot_id): block for block in board.blocks}
    cards = {(card.room_id, card.slot_id): card for card in board.cards}
    wanted_keys = set()
    for want in sorted(wanted, key=lambda w: (w.slot_id, w.room_id)):
        key = (want.room_id, want.slot_id)
        wanted_keys.add(key)
        block, card = blocks.get(key), cards.get(key)
        if card is not None:
            result.taken.append(Taken(want, "session", card.title))
        elif block is None:
            result.add.append(want)
        elif block.source != PROGRAM:
            result.taken.append(Taken(want, "block", block.label))
        elif (block.label, block.source_ref) == (want.label, want.source_ref):
            result.kept.append(block)
        else:
            result.update.append((block, want))
    result.remove = [
        block for key, block in sorted(blocks.items(), key=lambda kv: (kv[0][1], kv[0][0]))
        if block.source == PROGRAM and key not in wanted_keys
    ]  # fmt: skip
