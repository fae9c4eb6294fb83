"""What a door node knows, and the pure rules for changing it.

:class:`DoorState` belongs to the node's loop thread; nothing here does IO or reads a clock:
times come in as arguments (``mono`` is the monotonic clock in seconds, ``at`` the wall clock).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from shared.render import NodeContext
from shared.schedule import now_and_next
from shared.wire import DoorSlot, HubStatus, RoomSnapshot, SiteInfo

log = logging.getLogger(__name__)

DEFAULT_HEARTBEAT_S = 10.0
#: A door time further than this behind its room's snapshot's publication is not trusted:
#: the door says "time unknown" rather than show a session for the wrong time.
MAX_CLOCK_OFFSET_S = 180.0
#: At most this many other rooms' snapshots are kept (for "also on now").
MAX_OTHER_ROOMS = 200


@dataclass(frozen=True)
class Toggle:
    """The outcome of a press: the session it concerns and its new full flag."""

    room_id: str
    session_id: int
    full: bool
    snapshot_version: int


@dataclass
class DoorState:
    """The node's memory: its room, the hub's snapshot, and what it knows of the hub.

    ``local_full`` holds full flags flipped by presses that the hub has not confirmed yet (by
    session id); the next newer snapshot from the hub replaces them, because it is the truth.
    The hub counts as lost once it has been silent (no heartbeat, link down, or hub offline)
    for ``offline_after_beats`` heartbeats; the door then says "offline since" the last contact.
    ``others`` holds the latest snapshot of every other room (at most :data:`MAX_OTHER_ROOMS`),
    for "also on now" and for a quick start when the hub assigns another room.
    ``clock_offset_s`` is the door's clock minus the hub's, measured on each live heartbeat.
    ``clock_synced`` says whether the door's clock has a source worth believing (the hub's
    heartbeats or NTP this boot: :mod:`signage_node.clock_trust`); the node's loop sets it.
    """

    node_id: str
    room_id: str | None
    offline_after_beats: int
    started_mono: float
    started_at: datetime
    snapshot: RoomSnapshot | None = None
    site: SiteInfo | None = None
    local_full: dict[int, bool] = field(default_factory=dict)
    others: dict[str, RoomSnapshot] = field(default_factory=dict)
    link_up: bool = False
    hub_online: bool = False
    heartbeat_s: float = DEFAULT_HEARTBEAT_S
    contact_mono: float = 0.0
    contact_at: datetime | None = None
    clock_offset_s: float | None = None
    identify_until: float | None = None
    diagnostic: bool = False
    clock_synced: bool = True

    def __post_init__(self) -> None:
        self.contact_mono = self.started_mono
        self.contact_at = self.started_at

    # -- the room and its snapshot ------------------------------------------------------

    def move_to_room(self, room_id: str | None, cached: RoomSnapshot | None) -> bool:
        """Show ``room_id`` from now on, starting from the newer of its cached snapshot and the
        one held in ``others``; True if it moved."""
        if room_id == self.room_id:
            return False
        if self.room_id is not None and self.snapshot is not None:
            self.others[self.room_id] = self.snapshot
        held = self.others.pop(room_id, None) if room_id is not None else None
        cached = cached if cached is not None and cached.room.id == room_id else None
        self.room_id = room_id
        self.snapshot = held if held is not None and held.is_newer_than(cached) else cached
        self.local_full.clear()
        return True

    def offer_other(self, room_id: str, snapshot: RoomSnapshot) -> bool:
        """Keep ``snapshot`` of another room if it is newer than the one held; True if kept."""
        held = self.others.get(room_id)
        if not snapshot.is_newer_than(held):
            return False
        if held is None and len(self.others) >= MAX_OTHER_ROOMS:
            log.warning("ignored room %s: already keeping %d other rooms", room_id, MAX_OTHER_ROOMS)
            return False
        self.others[room_id] = snapshot
        return True

    def offer_snapshot(self, room_id: str, snapshot: RoomSnapshot) -> bool:
        """Apply ``snapshot`` if it is for this room and newer than the one held."""
        if room_id != self.room_id:
            log.debug("ignored a snapshot of room %s (showing %s)", room_id, self.room_id)
            return False
        if not snapshot.is_newer_than(self.snapshot):
            held = self.snapshot
            log.info(
                "ignored snapshot %s/%d of room %s: holding %s/%d",
                snapshot.epoch, snapshot.version, room_id,
                held.epoch if held else "-", held.version if held else 0,
            )  # fmt: skip
            return False
        self.snapshot = snapshot
        self.local_full.clear()
        return True

    def shown_snapshot(self) -> RoomSnapshot | None:
        """The snapshot as the door should show it: the hub's, with unconfirmed presses."""
        if self.snapshot is None or not self.local_full:
            return self.snapshot
        slots = [self._with_local_full(slot) for slot in self.snapshot.slots]
        return self.snapshot.model_copy(update={"slots": slots})

    def _with_local_full(self, slot: DoorSlot) -> DoorSlot:
        card = slot.session
        if card is None or card.id not in self.local_full:
            return slot
        card = card.model_copy(update={"full": self.local_full[card.id]})
        return slot.model_copy(update={"session": card})

    def current_full(self, at: datetime) -> bool:
        """Whether the session on now is full (what the LED shows)."""
        slot = self._current_session_slot(at)
        return slot is not None and slot.session is not None and self._full(slot)

    def toggle_full(self, at: datetime) -> Toggle | None:
        """Flip the full flag of the session on now, locally; None if no session is on."""
        slot = self._current_session_slot(at)
        if slot is None or slot.session is None or self.snapshot is None or not self.room_id:
            return None
        full = not self._full(slot)
        self.local_full[slot.session.id] = full
        return Toggle(self.room_id, slot.session.id, full, self.snapshot.version)

    def _full(self, slot: DoorSlot) -> bool:
        assert slot.session is not None
        return self.local_full.get(slot.session.id, slot.session.full)

    def _current_session_slot(self, at: datetime) -> DoorSlot | None:
        if self.snapshot is None:
            return None
        slot = now_and_next(self.snapshot.slots, at).current
        return slot if slot is not None and slot.kind == "session" else None

    # -- the hub ------------------------------------------------------------------------

    def link_changed(self, connected: bool, mono: float, at: datetime) -> None:
        """The broker link went up or down. Losing it is not contact: silence is counted from
        the last heartbeat, so a frozen broker (noticed only after 1.5 keepalives) shows the
        marker as soon as the heartbeats are overdue."""
        self.link_up = connected
        if not connected:
            self.hub_online = False

    def hub_status(self, status: HubStatus, mono: float, at: datetime, live: bool = True) -> None:
        """A status from the hub arrived at ``at``: ``live`` (a heartbeat just sent), or the
        broker's retained copy, whose time says nothing about the clocks."""
        self.heartbeat_s = status.heartbeat_s
        if live and status.at is not None:
            self.clock_offset_s = (at - status.at).total_seconds()
        if self.link_up and (status.state == "online" or self.hub_online):
            self._touch(mono, at)
        self.hub_online = status.state == "online"

    def _in_contact(self) -> bool:
        return self.link_up and self.hub_online

    def _touch(self, mono: float, at: datetime) -> None:
        self.contact_mono, self.contact_at = mono, at

    def offline_since(self, mono: float) -> datetime | None:
        """When the hub was last heard from, if that is more than the allowed silence ago."""
        if mono - self.contact_mono > self._allowed_silence_s():
            return self.contact_at
        return None

    def _allowed_silence_s(self) -> float:
        return self.offline_after_beats * self.heartbeat_s

    # -- what the door shows ------------------------------------------------------------

    def identify(self, mono: float, duration_s: float) -> None:
        self.identify_until = mono + duration_s

    def identifying(self, mono: float) -> bool:
        return self.identify_until is not None and mono < self.identify_until

    def clock_trusted(self, at: datetime) -> bool:
        """Whether the door's clock (reading ``at``) has a source (``clock_synced``) and is not
        behind its snapshot's publication by more than :data:`MAX_CLOCK_OFFSET_S`.

        An offset from the hub's heartbeats does not count against it: from the first one on,
        the door reads hub time."""
        if not self.clock_synced:
            return False
        published = self.snapshot.published_at if self.snapshot is not None else None
        return published is None or (published - at).total_seconds() <= MAX_CLOCK_OFFSET_S

    def hub_link(self) -> str:
        """How the node reaches the hub, in words (for the diagnostic frame)."""
        if not self.link_up:
            return "broker unreachable"
        return "connected" if self.hub_online else "broker up, hub offline"

    def context(self, mono: float, at: datetime) -> NodeContext:
        """What the renderer must know of the node at ``mono`` with its clock reading ``at``."""
        return NodeContext(
            self.node_id,
            self.offline_since(mono),
            self.identifying(mono),
            clock_trusted=self.clock_trusted(at),
            assigned=self.room_id is not None,
        )

    def next_deadline(self, mono: float) -> float | None:
        """The next monotonic time at which :meth:`context` may change by itself."""
        moments = [self.contact_mono + self._allowed_silence_s()]
        if self.identify_until is not None:
            moments.append(self.identify_until)
        future = [m for m in moments if m > mono]
        return min(future, default=None)
