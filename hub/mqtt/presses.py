"""What a door's button may do: the hub's rules for a button event, and the count of drops.

The hub decides, not the door (:func:`judge_press`). A press counts only when

- the node is one the hub knows (``unknown_node`` otherwise) and has assigned a room
  (``unassigned_node``), and the event names that room (``wrong_room``);
- the node has not pressed faster than its token bucket allows (:data:`PRESS_BURST` presses at
  once, refilling at :data:`PRESS_PER_HOUR` an hour; ``rate_limited``), checked by the worker
  for each event id it has not applied before (a redelivered duplicate costs nothing);
- its ``pressed_at`` is not ahead of the hub's clock by more than
  :data:`PRESS_CLOCK_ALLOWANCE_S` (``future_press``);
- the session it marks (the one named, else the room's session at ``pressed_at``) is in that
  room, scheduled (``no_session``), and on *now* by the hub's clock, give or take the same
  allowance (``not_on_now``): so no press marks the next session early, and a press kept
  through an outage still counts if its session is still on.

Every dropped event is logged and counted in :class:`DropCounter` (``/metrics``:
``openspaces_node_messages_dropped_total``).
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy.orm import Session as DbSession

from hub import repo
from hub.storage.models import SCHEDULED, Node, Session
from shared import wire

#: How far a node's clock may be from the hub's for its presses, in seconds.
PRESS_CLOCK_ALLOWANCE_S = 30.0
#: Presses a node may send at once, and how many an hour after that.
PRESS_BURST = 20
PRESS_PER_HOUR = 360

DropReason = Literal[
    "unknown_node", "unassigned_node", "wrong_room", "rate_limited", "future_press",
    "no_session", "not_on_now", "bad_panel", "bad_payload",
]  # fmt: skip
MessageKind = Literal["event", "status"]


class DropCounter:
    """Node messages the hub dropped, by kind and reason. Thread-safe."""

    def __init__(self) -> None:
        self._counts: Counter[tuple[MessageKind, DropReason]] = Counter()
        self._lock = threading.Lock()

    def add(self, kind: MessageKind, reason: DropReason) -> None:
        with self._lock:
            self._counts[(kind, reason)] += 1

    def counts(self) -> dict[tuple[MessageKind, DropReason], int]:
        with self._lock:
            return dict(self._counts)


def check_node(node: Node | None, event: wire.ButtonEvent) -> DropReason | None:
    """Whether the pressing node may act on the event's room at all (None: it may)."""
    if node is None:
        return "unknown_node"
    if node.room_id is None:
        return "unassigned_node"
    if node.room_id != event.room_id:
        return "wrong_room"
    return None


def judge_press(db: DbSession, event: wire.ButtonEvent, now: datetime) -> Session | DropReason:
    """The session the press marks, or why it marks none; ``now`` is the hub's clock."""
    allowance = timedelta(seconds=PRESS_CLOCK_ALLOWANCE_S)
    if event.pressed_at > now + allowance:
        return "future_press"
    if event.session_id is not None:
        session = db.get(Session, event.session_id)
    else:
        session = repo.current_session(db, event.room_id, event.pressed_at)
    if session is None or session.room_id != event.room_id or session.status != SCHEDULED:
        return "no_session"
    if not session.slot.start - allowance <= now < session.slot.end + allowance:
        return "not_on_now"
    return session
