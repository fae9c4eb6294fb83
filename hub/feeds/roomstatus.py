"""``/roomstatus/v1/listrooms``: the room-state feed in the shape FOSDEM's attendee apps read.

``[{"roomname": "Room A", "state": "0"}, ...]``, one entry per room in board order. ``roomname``
is the room's name exactly as ``schedule.json`` keys it (:func:`~hub.feeds.naming.room_labels`);
``state`` is ``"1"`` when the session on now (by the hub's clock) is marked full, else ``"0"``
(space, or nothing on).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, Field

from hub.feeds.naming import room_labels
from hub.repo.feeds import BoardRoom

FREE: Literal["0"] = "0"
FULL: Literal["1"] = "1"


class RoomState(BaseModel):
    roomname: str = Field(description="the room's name, as in schedule.json")
    state: Literal["0", "1"] = Field(description='"1": the session on now is full; "0": space')


def build_room_states(rooms: Iterable[BoardRoom], full_room_ids: set[str]) -> list[RoomState]:
    """One :class:`RoomState` per room, in the order given."""
    listed = list(rooms)
    labels = room_labels(listed)
    return [
        RoomState(roomname=labels[room.id], state=FULL if room.id in full_room_ids else FREE)
        for room in listed
    ]
