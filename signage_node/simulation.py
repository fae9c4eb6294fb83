"""A door's event day in fast-forward: the real node and renderer, a fake clock, a counting panel.

:func:`simulate_day` runs a :class:`~signage_node.app.Node` with the refresh policy of a real
panel (lead and minimum interval from its refresh time) through a day of the sample event
(:mod:`shared.render.samples`): every slot boundary and midnight, hub heartbeats, snapshot
updates that do and do not change what the door says, another room filling up, and button
presses that the simulated hub confirms two seconds later. The broker is replaced by a
:class:`LoopbackLink`; gpiozero runs on mock pins. Example::

    result = simulate_day("impression-7.3-spectra6")
    assert result.refreshes == result.distinct_frames   # no refresh showed an unchanged frame
    assert result.late_boundaries == 0                  # each new slot was on time

The benchmark prints these counts; the tests assert them.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from gpiozero.pins.mock import MockFactory
from PIL import Image

from shared.clock import FakeClock
from shared.render import PANELS, Panel, draw_frame, frame_hash
from shared.render.samples import SAMPLE_DAY, sample_snapshot
from shared.schedule import next_boundary
from shared.wire import (
    ButtonEvent,
    HubStatus,
    NodeStatus,
    RoomInfo,
    RoomSnapshot,
    with_hash,
)
from signage_node.app import Node
from signage_node.config import NodeSettings
from signage_node.events import HubStatusArrived, LinkChanged, NodeEvent, SnapshotArrived
from signage_node.mqtt_link import Deliver

log = logging.getLogger(__name__)

OWN, OTHER = "room-301", "room-302"
#: The simulated hub answers a press (publishes the room's new snapshot) this much later.
CONFIRM_S = 2.0
#: A boundary counts as on time if its frame was fully on the glass this soon after it.
ON_TIME_S = 1.0


@dataclass(frozen=True)
class DayResult:
    """What the panel went through in one simulated day.

    ``distinct_frames`` counts refreshes that put a frame different from the one before on the
    glass; ``refreshes - distinct_frames`` refreshes were redundant. ``late_boundaries`` counts
    slot boundaries whose new frame was not fully on the glass by the boundary (within
    :data:`ON_TIME_S`).
    """

    panel: str
    refreshes: int
    distinct_frames: int
    boundaries: int
    late_boundaries: int
    presses: int
    snapshot_updates: int

    @property
    def redundant_refreshes(self) -> int:
        return self.refreshes - self.distinct_frames


class CountingDisplay:
    """A panel that refreshes instantly and remembers what it showed and when (monotonic)."""

    def __init__(self, panel: Panel, clock: FakeClock) -> None:
        self._panel = panel
        self._clock = clock
        self.shown: list[tuple[float, str]] = []

    @property
    def panel(self) -> Panel:
        return self._panel

    def show(self, frame: Image.Image) -> None:
        self.shown.append((self._clock.monotonic(), frame_hash(frame)))


class LoopbackLink:
    """A broker link that goes nowhere: records what the node publishes; :attr:`deliver`
    hands the node events as if they came from the broker."""

    def __init__(self, settings: NodeSettings, deliver: Deliver) -> None:
        self.settings = settings
        self.deliver = deliver
        self.events: list[ButtonEvent] = []
        self.statuses: list[NodeStatus] = []

    def start(self) -> None:
        """Nothing to connect to."""

    def stop(self) -> None:
        """Nothing to disconnect."""

    def publish_event(self, event: ButtonEvent) -> None:
        self.events.append(event)

    def publish_status(self, status: NodeStatus) -> None:
        self.statuses.append(status)

    def watch(self, room_id: str | None, all_rooms: bool) -> None:
        """Every room's snapshot is delivered anyway."""


@dataclass
class _Hub:
    """The simulated hub: the rooms' snapshots, with versions counting up across rooms."""

    rooms: dict[str, RoomSnapshot]
    version: int = 1

    def publish(self, room_id: str, at: datetime, **changes: object) -> SnapshotArrived:
        self.version += 1
        room = self.rooms[room_id].model_copy(update={"version": self.version, **changes})
        if "published_at" not in changes:
            room = room.model_copy(update={"published_at": at})
        self.rooms[room_id] = with_hash(room)
        return SnapshotArrived(room_id, self.rooms[room_id])

    def retitle(self, room_id: str, session_id: int, title: str, at: datetime) -> SnapshotArrived:
        return self._edit(room_id, session_id, at, title=title)

    def set_full(self, room_id: str, session_id: int, full: bool, at: datetime) -> SnapshotArrived:
        return self._edit(room_id, session_id, at, full=full)

    def _edit(self, room_id: str, session_id: int, at: datetime, **card: object) -> SnapshotArrived:
        slots = [
            slot.model_copy(update={"session": slot.session.model_copy(update=card)})
            if slot.session is not None and slot.session.id == session_id
            else slot
            for slot in self.rooms[room_id].slots
        ]
        return self.publish(room_id, at, slots=slots)


@dataclass
class _Day:
    """The running simulation: the node, its clock, its panel and the timeline of events."""

    node: Node
    clock: FakeClock
    display: CountingDisplay
    link: LoopbackLink
    pins: MockFactory
    hub: _Hub
    timeline: list[tuple[datetime, int, Callable[[], None]]] = field(default_factory=list)
    order: itertools.count[int] = field(default_factory=itertools.count)
    late: int = 0
    boundaries: int = 0
    presses: int = 0
    updates: int = 0

    def at(self, when: datetime, action: Callable[[], None]) -> None:
        heapq.heappush(self.timeline, (when, next(self.order), action))

    def run_until(self, end: datetime) -> None:
        """Move the clock to each event and each moment the node wakes by itself, in order."""
        while True:
            due = self.timeline[0][0] if self.timeline else end
            target = min(due, end, self._wall(self.node.next_wake_mono))
            self.clock.advance(max(0.0, (target - self.clock.now()).total_seconds()))
            if self.timeline and self.timeline[0][0] <= target:
                heapq.heappop(self.timeline)[2]()
            elif target >= end:
                return
            else:
                self.node.wake()
            if not self.node.settle(30):
                raise RuntimeError("the simulated node did not settle")

    def _wall(self, mono: float) -> datetime:
        return self.clock.now() + timedelta(seconds=mono - self.clock.monotonic())

    def deliver(self, event: NodeEvent) -> Callable[[], None]:
        return lambda: self.link.deliver(event)

    def update(self, make: Callable[[datetime], SnapshotArrived]) -> Callable[[], None]:
        def send() -> None:
            self.updates += 1
            self.link.deliver(make(self.clock.now()))

        return send

    def press(self) -> None:
        """A short press; the hub confirms it :data:`CONFIRM_S` later."""
        self.presses += 1
        sent = len(self.link.events)
        button = self.pins.pin(self.node.settings.button_pin)
        button.drive_low()
        button.drive_high()
        self.node.settle(30)
        for event in self.link.events[sent:]:
            self.at(self.clock.now() + timedelta(seconds=CONFIRM_S), self._confirm(event))

    def _confirm(self, event: ButtonEvent) -> Callable[[], None]:
        """The hub applying ``event``: the room's snapshot with the session's new full flag."""
        session_id = event.session_id
        assert session_id is not None
        return self.update(lambda at: self.hub.set_full(event.room_id, session_id, event.full, at))

    def check_boundary(self) -> None:
        """Is the frame the node draws now the one that was fully on the glass by now?"""
        self.boundaries += 1
        self.node.wake()
        self.node.settle(30)
        view = self.node.last_view
        assert view is not None
        expected = frame_hash(draw_frame(view, self.display.panel))
        done_by = self.clock.monotonic() + ON_TIME_S - self.display.panel.refresh_s
        on_glass = [digest for start, digest in self.display.shown if start <= done_by]
        if not on_glass or on_glass[-1] != expected:
            self.late += 1
            log.info("late at the boundary of %s", self.clock.now())


def simulate_day(
    panel: Panel | str = "impression-7.3-spectra6",
    *,
    day: date = SAMPLE_DAY,
    heartbeat_s: float = 30.0,
    refresh_lead_s: float | None = None,
    min_refresh_interval_s: float | None = None,
) -> DayResult:
    """Run one node through 24 hours of the sample event from 08:00 on ``day`` (its first day).

    The panel's real policy applies unless overridden (see
    :attr:`~signage_node.config.NodeSettings.refresh_lead` and
    :attr:`~signage_node.config.NodeSettings.min_refresh_interval`). The hub sends a heartbeat
    every ``heartbeat_s``.
    """
    chosen = PANELS[panel] if isinstance(panel, str) else panel
    policy = {"refresh_lead_s": refresh_lead_s, "min_refresh_interval_s": min_refresh_interval_s}
    with tempfile.TemporaryDirectory(prefix="openspaces-day-") as folder:
        simulated = _start(chosen, day, Path(folder), heartbeat_s, policy)
        try:
            _script(simulated, day)
            simulated.run_until(_local(simulated, day, time(8)) + timedelta(days=1))
        finally:
            simulated.node.stop()
            simulated.pins.close()
    shown = [digest for _, digest in simulated.display.shown]
    distinct = sum(1 for i, digest in enumerate(shown) if i == 0 or digest != shown[i - 1])
    return DayResult(
        chosen.id, len(shown), distinct, simulated.boundaries, simulated.late,
        simulated.presses, simulated.updates,
    )  # fmt: skip


def _start(
    panel: Panel, day: date, folder: Path, heartbeat_s: float, policy: dict[str, float | None]
) -> _Day:
    own = sample_snapshot(day)
    other = with_hash(own.model_copy(update={"room": RoomInfo(id=OTHER, name="Room 302")}))
    clock = FakeClock(datetime.combine(day, time(8), own.event.zone()))
    settings = NodeSettings.model_validate({
        "node_id": "door-301", "room_id": OWN, "panel": panel.id, "display": "inky",
        "state_dir": folder, "clock_sync_flag": None, **policy,
    })  # fmt: skip
    display, pins = CountingDisplay(panel, clock), MockFactory()
    links: list[LoopbackLink] = []

    def link_factory(node_settings: NodeSettings, deliver: Deliver) -> LoopbackLink:
        links.append(LoopbackLink(node_settings, deliver))
        return links[-1]

    node = Node(settings, clock=clock, display=display, pin_factory=pins,
                link_factory=link_factory)  # fmt: skip
    node.start()
    hub = _Hub({OWN: own, OTHER: other}, version=own.version)
    simulated = _Day(node, clock, display, links[0], pins, hub)
    _heartbeats(simulated, heartbeat_s)
    return simulated


def _heartbeats(simulated: _Day, every_s: float) -> None:
    start, clock = simulated.clock.now(), simulated.clock
    simulated.at(start, simulated.deliver(LinkChanged(connected=True)))
    for beat in range(int(timedelta(days=1).total_seconds() // every_s) + 1):
        when = start + timedelta(seconds=beat * every_s)

        def send() -> None:
            status = HubStatus(state="online", at=clock.now(), heartbeat_s=every_s)
            simulated.link.deliver(HubStatusArrived(status, live=True))

        simulated.at(when, send)


def _script(simulated: _Day, day: date) -> None:
    """The day's happenings, besides heartbeats and the boundaries that come by themselves."""
    hub, at = simulated.hub, simulated.at

    def local(hour: int, minute: int = 0, second: int = 0) -> datetime:
        return _local(simulated, day, time(hour, minute, second))

    own, other = hub.rooms[OWN], hub.rooms[OTHER]
    at(local(8, 0, 1), simulated.deliver(SnapshotArrived(OWN, own)))
    at(local(8, 0, 1), simulated.deliver(SnapshotArrived(OTHER, other)))
    last = own.slots[-1].session
    assert last is not None
    # another room changes while this one is not full: nothing to show; then a duplicate
    at(local(9, 10), simulated.update(lambda t: hub.retitle(OTHER, last.id, "Renamed", t)))
    at(local(9, 20), simulated.deliver(SnapshotArrived(OWN, own)))
    # tomorrow's last session is renamed: only the door's "Updated" time shows it
    at(local(9, 40), simulated.update(lambda t: hub.retitle(OWN, last.id, "Renamed", t)))
    at(local(10, 20), simulated.press)  # the first session fills up
    at(local(10, 25), simulated.update(lambda t: hub.set_full(OTHER, 101, True, t)))
    at(local(10, 26), simulated.update(lambda t: hub.set_full(OTHER, 101, False, t)))
    at(local(10, 40), simulated.press)  # a few people left
    at(local(10, 41), simulated.press)  # ... and came back
    moved = own.slots[2].session
    assert moved is not None
    at(local(13, 30), simulated.update(lambda t: hub.retitle(OWN, moved.id, "Mentoring!", t)))
    moment = simulated.clock.now()
    end = moment + timedelta(days=1)
    while (boundary := next_boundary(own.slots, moment)) is not None and boundary < end:
        at(boundary + timedelta(milliseconds=10), simulated.check_boundary)
        moment = boundary


def _local(simulated: _Day, day: date, clock_time: time) -> datetime:
    zone = simulated.hub.rooms[OWN].event.zone()
    return datetime.combine(day, clock_time, zone)
