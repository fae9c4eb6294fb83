"""A room snapshot's byte budget, and the trimmed snapshot sent when one would not fit.

The broker drops a client that sends a packet over its ``max_packet_size`` (Mosquitto as we
configure it: :data:`hub.mqtt.mosquitto.MAX_PACKET_BYTES`, 256 KiB), and a retained snapshot the
broker refused would be sent again on every reconnect. So each room's payload has a budget,
:data:`SNAPSHOT_BUDGET_BYTES` (160 KiB), far below that limit; when the broker announces a
smaller limit in its CONNACK, the budget shrinks to fit under it (:func:`budget_for`).

By design nothing the public types can reach the budget: fields are normalised and capped,
the door gets only what it draws, and ``tests/hub/test_snapshot_budget.py`` computes the worst
case for the largest event we support (:data:`LARGEST_EVENT_SLOTS`: five days of 16 slots).
Should a snapshot still be over (a bigger event, many long announcements), :func:`fit` trims
it, in this order, until it fits:

1. slots that have ended (the door never shows them again);
2. the slots furthest in the future, one at a time — never the slot on now or the next one;
3. announcements, oldest first.

The publisher then stores and sends the trimmed snapshot and raises a hub-level alert (staff
fleet page, ``openspaces_snapshots_trimmed``). A snapshot the hub cannot trim under the budget
(its current and next slots alone are too big) is not sent at all, which is also an alert.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared import wire

#: The budget for one room's snapshot payload, in bytes.
SNAPSHOT_BUDGET_BYTES = 160 * 1024
#: The largest event the budget is proven for: five days of 16 one-hour slots.
LARGEST_EVENT_SLOTS = 5 * 16
#: Bytes of a PUBLISH packet besides the payload (fixed header, topic, packet id, properties)
#: kept free under the broker's limit; topics are under 200 bytes.
PACKET_OVERHEAD_BYTES = 512
#: Slots from now on that are never trimmed: the one on now and the next.
KEPT_SLOTS = 2


@dataclass(frozen=True)
class Trim:
    """What :func:`fit` took out of a snapshot to fit it into ``budget`` bytes."""

    room_id: str
    size: int
    budget: int
    past_slots: int = 0
    future_slots: int = 0
    announcements: int = 0
    fits: bool = True

    @property
    def trimmed(self) -> bool:
        return bool(self.past_slots or self.future_slots or self.announcements)

    def describe(self) -> str:
        """One line for a log or the fleet page."""
        if not self.fits:
            return (
                f"room {self.room_id}: snapshot of {self.size} bytes cannot be trimmed under "
                f"{self.budget}; not sent"
            )
        return (
            f"room {self.room_id}: snapshot trimmed to {self.size} of {self.budget} bytes "
            f"({self.past_slots} ended slots, {self.future_slots} far-future slots and "
            f"{self.announcements} announcements left out)"
        )


def budget_for(broker_max_packet: int | None, budget: int = SNAPSHOT_BUDGET_BYTES) -> int:
    """The payload budget under a broker whose CONNACK announced ``broker_max_packet``."""
    if broker_max_packet is None:
        return budget
    return max(0, min(budget, broker_max_packet - PACKET_OVERHEAD_BYTES))


def fit(snapshot: wire.RoomSnapshot, budget: int, now: datetime) -> tuple[wire.RoomSnapshot, Trim]:
    """``snapshot`` (hash set) if it fits in ``budget`` bytes, else trimmed as the module says."""
    size = len(wire.encode(snapshot))
    if size <= budget:
        return snapshot, Trim(snapshot.room.id, size, budget)
    slots, announcements = list(snapshot.slots), list(snapshot.announcements)
    upcoming = [slot for slot in slots if slot.end > now]
    kept = {slot.slot_id for slot in upcoming[:KEPT_SLOTS]}
    past = future = dropped = 0
    while size > budget:
        if slots and slots[0].end <= now:
            past += 1
            slots.pop(0)
        elif slots and slots[-1].slot_id not in kept:
            future += 1
            slots.pop()
        elif announcements:
            dropped += 1
            announcements.pop(0)
        else:
            break
        update = {"slots": slots, "announcements": announcements}
        snapshot = wire.with_hash(snapshot.model_copy(update=update))
        size = len(wire.encode(snapshot))
    return snapshot, Trim(
        snapshot.room.id, size, budget, past, future, dropped, fits=size <= budget
    )
