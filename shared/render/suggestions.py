"""Also on now: where a full room's door sends people instead. A pure function.

The node (from the other rooms' retained snapshots it keeps) and the hub's door preview (from
the snapshots it stored for every room) call the same :func:`also_on_now`, so both put the same
words, and so the same pixels, on the door.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from shared.schedule import now_and_next
from shared.wire import DoorSlot, RoomSnapshot

#: At most this many rooms are suggested (the door has room for a line or two).
MAX_SUGGESTIONS = 3


def also_on_now(own: RoomSnapshot, others: Iterable[RoomSnapshot], at: datetime) -> tuple[str, ...]:
    """Names of other rooms with a session on at ``at`` (aware) that is not full.

    Empty unless ``own`` has a full session on at ``at``: a door shows suggestions only then.
    ``own`` itself and rooms of another epoch (a replaced hub database) are skipped; at most
    :data:`MAX_SUGGESTIONS` names, ordered by name (case-insensitive), then by room id.
    """
    if not _full(_session_on(own, at)):
        return ()
    found = {
        other.room.id: other.room.name
        for other in others
        if other.room.id != own.room.id
        and other.epoch == own.epoch
        and _open(_session_on(other, at))
    }
    ordered = sorted(found.items(), key=lambda item: (item[1].casefold(), item[0]))
    return tuple(name for _, name in ordered[:MAX_SUGGESTIONS])


def _session_on(snapshot: RoomSnapshot, at: datetime) -> DoorSlot | None:
    slot = now_and_next(snapshot.slots, at).current
    return slot if slot is not None and slot.kind == "session" else None


def _full(slot: DoorSlot | None) -> bool:
    return slot is not None and slot.session is not None and slot.session.full


def _open(slot: DoorSlot | None) -> bool:
    return slot is not None and slot.session is not None and not slot.session.full
