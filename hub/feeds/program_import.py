"""Importing the main programme: talks held in Open Spaces rooms become blocked slots.

:func:`import_program` reads a conference ``schedule.json`` (:mod:`hub.feeds.program_format`),
works out which slots its talks take (:mod:`hub.feeds.program_plan`) and, unless it is a dry
run or nothing changes, applies that in one transaction: blocks added (``source`` "program",
``source_ref`` the talks' refs), relabelled and removed, each with its audit entry, plus one
``program.import`` entry for the whole import. Then it publishes the rooms it changed, once.

The programme is the whole truth about the blocks it made: importing it again changes nothing,
importing a newer one moves, relabels or removes only those blocks. Cards and blocks staff made
by hand are never touched; a talk over one is reported under ``taken``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session as DbSession

from hub import repo
from hub.audit import Actor, block_state, record
from hub.feeds.program_format import Programme, Talk, read_programme
from hub.feeds.program_plan import (
    PROGRAM,
    Board,
    BoardBlock,
    BoardCard,
    BoardRoom,
    BoardSlot,
    Plan,
    Wanted,
    plan,
)
from hub.repo import layout
from hub.runtime import Hub
from hub.storage.models import SCHEDULED

log = logging.getLogger(__name__)


class BlockLine(BaseModel):
    """A programme block: ``room`` (name) at ``start`` (local time), named ``label``."""

    room_id: str
    room: str
    slot_id: int
    start: datetime
    label: str


class TakenLine(BaseModel):
    """A slot a talk wants that holds a card (``session``) or a block made by hand."""

    room_id: str
    room: str
    slot_id: int
    start: datetime
    talks: list[str] = Field(description="titles of the talks that want the slot")
    taken_by: Literal["session", "block"]
    what: str = Field(description="the card's title or the block's label")


class UnmatchedRoom(BaseModel):
    """A programme room that is no Open Spaces room (by name or mapping)."""

    name: str
    talks: int


class OutsideTalk(BaseModel):
    """A talk in an Open Spaces room that overlaps none of the event's slots."""

    room: str
    title: str
    start: datetime
    end: datetime


class ProgramReport(BaseModel):
    """What an import did (or, in a dry run, would do)."""

    dry_run: bool
    status: Literal["changed", "unchanged", "would change"]
    conference: str = Field(description="the programme's conference title")
    talks: int = Field(description="talks in the file")
    matched_talks: int = Field(description="talks held in Open Spaces rooms")
    blocked: list[BlockLine] = Field(description="blocks added")
    updated: list[BlockLine] = Field(description="programme blocks with a new label")
    removed: list[BlockLine] = Field(description="programme blocks no longer in the programme")
    unchanged: int = Field(description="programme blocks already as the file says")
    taken: list[TakenLine]
    unmatched_rooms: list[UnmatchedRoom]
    outside_slots: list[OutsideTalk]
    rooms: list[str] = Field(description="ids of the rooms whose blocks change")


def import_program(
    hub: Hub, actor: Actor, data: bytes, mapping: Mapping[str, str], *, dry_run: bool
) -> ProgramReport:
    """Import the programme in ``data``; see the module docstring.

    Raises :class:`~hub.feeds.program_format.ProgramFileError` for a file that is not a
    schedule.json, :class:`~hub.errors.InvalidError` for a mapping to an unknown room and
    :class:`~hub.errors.NotFoundError` when no event is set up.
    """
    with hub.database.reading() as db:
        zone = repo.zone_of(repo.get_event(db).timezone)
        board = load_board(db)
    programme = read_programme(data, zone)
    result = plan(programme.talks, board, mapping)
    if result.changes and not dry_run:
        with hub.database.transaction() as db:
            board = load_board(db)
            result = plan(programme.talks, board, mapping)
            if result.changes:
                _apply(db, result, programme, actor, hub.clock.now())
    if result.changes and not dry_run:
        log.info("programme import changed the blocks of rooms %s", result.room_ids)
        hub.publisher.publish_rooms(result.room_ids)
    return _report(result, programme, board, zone, dry_run=dry_run)


def load_board(db: DbSession) -> Board:
    """The rooms, slots, blocks and scheduled cards, as :func:`plan` reads them."""
    return Board(
        rooms=[BoardRoom(room.id, room.name) for room in repo.list_rooms(db)],
        slots=[BoardSlot(slot.id, slot.start, slot.end) for slot in repo.list_slots(db)],
        blocks=[
            BoardBlock(b.id, b.room_id, b.slot_id, b.label, b.source, b.source_ref)
            for b in repo.list_blocks(db)
        ],
        cards=[
            BoardCard(s.room_id, s.slot_id, s.title)
            for s in repo.list_sessions(db) if s.status == SCHEDULED
        ],
    )  # fmt: skip


def _apply(db: DbSession, result: Plan, programme: Programme, actor: Actor, at: datetime) -> None:
    for old in result.remove:
        block = layout.unblock(db, old.id)
        record(db, actor, "block.remove", f"block {old.id}", block_state(block), None, at)
    for old, want in result.update:
        before = block_state(layout.get_block(db, old.id))
        block = layout.edit_block(db, old.id, label=want.label, source_ref=want.source_ref)
        record(db, actor, "block.edit", f"block {old.id}", before, block_state(block), at)
    for want in result.add:
        block = repo.block_slot(db, want.room_id, want.slot_id, want.label, source=PROGRAM,
                                source_ref=want.source_ref)  # fmt: skip
        record(db, actor, "block.add", f"block {block.id}", None, block_state(block), at)
    summary = {
        "conference": programme.title, "talks": result.talks, "blocked": len(result.add),
        "updated": len(result.update), "removed": len(result.remove), "taken": len(result.taken),
    }  # fmt: skip
    record(db, actor, "program.import", "program", None, summary, at)


def _report(
    result: Plan, programme: Programme, board: Board, zone: ZoneInfo, *, dry_run: bool
) -> ProgramReport:
    names = {room.id: room.name for room in board.rooms}
    starts = {slot.id: slot.start.astimezone(zone) for slot in board.slots}

    def line(room_id: str, slot_id: int, label: str) -> BlockLine:
        return BlockLine(room_id=room_id, room=names[room_id], slot_id=slot_id,
                         start=starts[slot_id], label=label)  # fmt: skip

    def wanted(want: Wanted) -> BlockLine:
        return line(want.room_id, want.slot_id, want.label)

    def outside(talk: Talk) -> OutsideTalk:
        return OutsideTalk(room=talk.room, title=talk.title, start=talk.start.astimezone(zone),
                           end=talk.end.astimezone(zone))  # fmt: skip

    status: Literal["changed", "unchanged", "would change"] = "unchanged"
    if result.changes:
        status = "would change" if dry_run else "changed"
    return ProgramReport(
        dry_run=dry_run, status=status, conference=programme.title, talks=result.talks,
        matched_talks=result.matched_talks,
        blocked=[wanted(want) for want in result.add],
        updated=[wanted(want) for _, want in result.update],
        removed=[line(b.room_id, b.slot_id, b.label) for b in result.remove],
        unchanged=len(result.kept),
        taken=[
            TakenLine(**wanted(t.wanted).model_dump(exclude={"label"}), taken_by=t.by,
                      what=t.what, talks=[talk.title for talk in t.wanted.talks])
            for t in result.taken
        ],
        unmatched_rooms=[UnmatchedRoom(name=n, talks=c) for n, c in result.unmatched_rooms.items()],
        outside_slots=[outside(talk) for talk in result.outside],
        rooms=result.room_ids,
    )  # fmt: skip
