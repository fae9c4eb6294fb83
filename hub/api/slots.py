"""``/api/v1/slots``: the event's one-hour slots, with the rooms blocked in each."""

from __future__ import annotations

from collections import defaultdict

from fastapi import APIRouter

from hub import repo
from hub.api.deps import HubDep
from hub.api.schemas import BlockPublic, SlotPublic

router = APIRouter(prefix="/api/v1/slots", tags=["slots"])


@router.get("", summary="List slots")
def list_slots(hub: HubDep) -> list[SlotPublic]:
    """Every slot in time order; ``start``/``end`` are UTC, ``day`` is the event's local day."""
    with hub.database.reading() as db:
        blocked: dict[int, list[BlockPublic]] = defaultdict(list)
        for block in repo.list_blocks(db):
            blocked[block.slot_id].append(BlockPublic(room_id=block.room_id, label=block.label))
        return [SlotPublic.of(slot, blocked[slot.id]) for slot in repo.list_slots(db)]
