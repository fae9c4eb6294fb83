"""Writing the sample plan into a hub database through the repository."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from hub.demo.sample import SamplePlan
from hub.repo import fleet, ideas, schedule, sessions
from hub.storage.db import Database


def seed(database: Database, plan: SamplePlan, now: datetime | None = None) -> None:
    """Create the event, rooms, slots, blocks, cards and ideas of ``plan`` in one transaction
    (the ideas proposed at ``now``, by default the plan's current slot's start)."""
    with database.transaction() as db:
        schedule.create_event(db, plan.name, plan.timezone, plan.hashtag)
        for position, room in enumerate(plan.rooms):
            schedule.add_room(db, room.id, room.name, room.capacity, room.location, position)
        slot_ids = [schedule.add_slot(db, slot.start).id for slot in plan.slots]
        for block in plan.blocks:
            schedule.block_slot(db, block.room_id, slot_ids[block.slot], block.label)
        for card in plan.cards:
            session = sessions.add_session(
                db, card.room_id, slot_ids[card.slot], card.title, card.description,
                card.host_name, card.host_handle, full=card.full,
            )  # fmt: skip
            if card.moved_to:
                sessions.move_session(db, session.id, room_id=card.moved_to)
            if card.cancelled:
                sessions.cancel_session(db, session.id)
        proposed = now if now is not None else plan.slots[plan.now_slot].start
        for idea in plan.ideas:
            ideas.add_idea(db, idea.title, idea.description, idea.proposer, proposed)


def register_nodes(database: Database, placements: Iterable[tuple[str, str, str]]) -> None:
    """Record each (node id, room id, panel) as ``openspaces provision-node --config`` would:
    the hub ignores the status of a node it does not know."""
    with database.transaction() as db:
        for node_id, room_id, panel in placements:
            fleet.assign_node(db, node_id, room_id, panel)
