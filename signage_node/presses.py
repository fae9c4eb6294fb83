"""A host's presses on their way to the hub, and the hub's answer coming back.

A press flips the full flag of the session on the door (:meth:`DoorState.toggle_full`); this
module turns it into the :class:`~shared.wire.ButtonEvent` the hub applies, and recognises the
hub's confirmation: the first snapshot of the room whose card of that session carries the
pressed flag. Only the latest press is awaited (a second press supersedes the first). Belongs to
the node's loop thread.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from shared.wire import ButtonEvent, RoomSnapshot
from signage_node.state import Toggle

log = logging.getLogger(__name__)


class Presses:
    """Builds button events for ``node_id`` and waits for the hub to confirm the latest one."""

    def __init__(self, node_id: str) -> None:
        self._node_id = node_id
        self._awaiting: tuple[int, bool] | None = None

    def event(self, toggle: Toggle, pressed_at: datetime) -> ButtonEvent:
        """The event telling the hub about ``toggle``; its confirmation is awaited from now."""
        self._awaiting = (toggle.session_id, toggle.full)
        return ButtonEvent(
            event_id=uuid.uuid4().hex,
            node_id=self._node_id,
            room_id=toggle.room_id,
            full=toggle.full,
            session_id=toggle.session_id,
            pressed_at=pressed_at,
            snapshot_version=toggle.snapshot_version,
        )

    def confirmed_by(self, snapshot: RoomSnapshot) -> bool:
        """Whether ``snapshot`` confirms the awaited press (then it is awaited no longer)."""
        if self._awaiting is None:
            return False
        session_id, full = self._awaiting
        cards = (s.session for s in snapshot.slots if s.session is not None)
        card = next((c for c in cards if c.id == session_id), None)
        if card is None or card.full != full:
            return False
        log.info("the hub confirmed session %d full=%s", session_id, full)
        self._awaiting = None
        return True

    def forget(self) -> None:
        """Stop waiting (the node moved to another room)."""
        self._awaiting = None
