"""The door node: one loop thread that owns the state, fed by a queue.

Threads and who owns what::

    paho's loop thread ─┐  (decoded payloads, link up/down)
    gpiozero threads ───┼──▶ queue ──▶ node loop: DoorState, LED, render, gate, publish
    display worker ─────┘  (frame shown)          │
                                                  └──▶ display worker: display.show(frame)

The loop applies events, then works out the door's words (:func:`shared.render.door_view`)
for the door's time (:func:`shared.doortime.door_time`: a slot boundary less than one
refresh away counts as reached), draws a frame only when the words changed, and offers it to
the :class:`~signage_node.refresh.RefreshGate`, which hands it to the display worker when the
glass may take it. The LED answers before any of that. Between events the loop waits on the
queue until the next moment something changes by itself (a boundary less the refresh lead, the
hub counting as lost, an identify ending, the gate opening), so the door turns over with no
message from the hub. Status goes to the hub whenever what it says has changed.

Supervision (:mod:`signage_node.supervisor`): the loop ending with an exception ends the node
(exit status 1 from ``openspaces node``, and systemd starts it again); the display worker is
restarted; nothing raised in a paho or gpiozero callback reaches the library, and the last such
failure is reported in the status's ``last_error``. The loop tells systemd it is alive on every
pass and never sleeps longer than half the watchdog time (:mod:`signage_node.watchdog`).
"""

from __future__ import annotations

import logging
import math
import time
from datetime import datetime

from shared.clock import Clock
from shared.render import DoorView
from shared.wire import NodeCommand, NodeConfig, NodeStatus, RoomSnapshot
from signage_node.cache import ConfigCache, SnapshotCache
from signage_node.clock_trust import DoorClock, sync_flag_check
from signage_node.config import NodeSettings
from signage_node.display import Display
from signage_node.display_worker import DisplayWorker
from signage_node.door import Door
from signage_node.events import (
    AddressFound,
    ButtonHeld,
    ButtonPressed,
    CommandArrived,
    ConfigArrived,
    FrameShown,
    HubStatusArrived,
    LinkChanged,
    NodeEvent,
    PartFailed,
    RoomCleared,
    SiteArrived,
    SnapshotArrived,
    Wake,
)
from signage_node.hardware import DoorButton, DoorLed
from signage_node.inbox import Flush, Inbox
from signage_node.mqtt_link import Link, LinkFactory, NodeLink
from signage_node.presses import Presses
from signage_node.refresh import RefreshGate
from signage_node.state import DoorState
from signage_node.status import Refresh, node_status, steady
from signage_node.supervisor import Supervisor
from signage_node.watchdog import SystemdNotifier

log = logging.getLogger(__name__)

#: The loop re-evaluates at least this often, in case the wall clock jumped.
MAX_WAIT_S = 60.0
#: Wake a little after a planned moment rather than a little before it.
BOUNDARY_MARGIN_S = 0.005
#: A heartbeat that moves the door's time further than this redraws and re-plans the door.
MAX_TIME_STEP_S = 1.0


class Node:
    """One door node: MQTT link, button, LED, display, cache and the loop that ties them.

    ``pin_factory`` is gpiozero's (None: the default on a Pi; a ``MockFactory`` in tests and
    the demo). ``link_factory(settings, deliver)`` builds the broker link (default
    :class:`~signage_node.mqtt_link.NodeLink`, reporting to ``supervisor``). ``supervisor``
    (default: the node's own) watches its threads and callbacks; ``notifier`` tells systemd
    the loop is alive (default: does nothing). Call :meth:`start` once and :meth:`stop` once.
    The door reads ``clock`` through a :class:`~signage_node.clock_trust.DoorClock`: hub time
    once heartbeats arrive, "Time unknown" while neither they nor NTP vouch for it.
    """

    def __init__(
        self,
        settings: NodeSettings,
        *,
        clock: Clock,
        display: Display,
        pin_factory: object | None = None,
        link_factory: LinkFactory | None = None,
        supervisor: Supervisor | None = None,
        notifier: SystemdNotifier | None = None,
    ) -> None:
        self.settings = settings
        self._time = DoorClock(clock, sync_flag_check(settings.clock_sync_flag))
        self._clock: Clock = self._time
        self._display = display
        self._pin_factory = pin_factory
        self._inbox = Inbox()
        self.supervisor = supervisor or Supervisor()
        self.supervisor.on_failure(lambda part, error: self._inbox.put(PartFailed(part, error)))
        self._notifier = notifier or SystemdNotifier(None)
        self._link: Link = (
            link_factory(settings, self._inbox.put)
            if link_factory is not None
            else NodeLink(settings, self._inbox.put, supervisor=self.supervisor)
        )
        self._worker = DisplayWorker(display, clock, self._inbox.put, supervisor=self.supervisor)
        self._config_cache = ConfigCache.in_folder(settings.state_dir)
        self._state = DoorState(
            settings.node_id, None, settings.offline_after_beats, clock.monotonic(), clock.now()
        )
        self._state.clock_synced = self._time.trusted()
        self._door = Door(
            self._state, display.panel, self._worker, lead_s=settings.refresh_lead,
            gate=RefreshGate(settings.min_refresh_interval),
        )  # fmt: skip
        self._thread = self.supervisor.thread(
            "node loop", self._run, name=f"node-{settings.node_id}"
        )
        self._button: DoorButton | None = None
        self._force_refresh = False
        self._presses = Presses(settings.node_id)
        self._confirmed = False
        self._last_shown: FrameShown | None = None
        self._last_error: str | None = None
        self._ip: str | None = None
        self._published: NodeStatus | None = None
        self._wake_mono = 0.0
        self._planned_mono = math.inf
        #: The last door view worked out and the last status published (read from any thread).
        self.last_view: DoorView | None = None
        self.last_status: NodeStatus | None = None

    @property
    def next_wake_mono(self) -> float:
        """The monotonic time at which the loop next looks at the clock by itself (simulations
        that move a fake clock jump there)."""
        return self._wake_mono

    # -- lifecycle ----------------------------------------------------------------------

    def start(self) -> None:
        """Load the cache, draw it, open the pins and start connecting (returns at once)."""
        config = self._config_cache.load()
        room = self._room_for(config)
        self._state.move_to_room(room, self._cached_snapshot(room))
        self._door.led = DoorLed(self.settings.led_pin, pin_factory=self._pin_factory)
        self._button = DoorButton(
            self.settings.button_pin,
            on_press=lambda: self._inbox.put(ButtonPressed()),
            on_hold=lambda: self._inbox.put(ButtonHeld()),
            clock=self._clock,
            debounce_s=self.settings.debounce_s,
            hold_s=self.settings.hold_s,
            pin_factory=self._pin_factory,
            supervisor=self.supervisor,
        )
        self._worker.start()
        self._thread.start()
        self._link.start()
        log.info("node %s started, showing room %s", self.settings.node_id, room)

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the pins, the loop, the display worker and the link, joining their threads."""
        self._notifier.stopping()
        if self._button is not None:
            self._button.close()
        self._inbox.close()
        if self._thread.is_alive():
            self._thread.join(timeout)
        self._worker.stop(timeout)
        self._link.stop()
        if self._door.led is not None:
            self._door.led.close()
        log.info("node %s stopped", self.settings.node_id)

    def wake(self) -> None:
        """Make the loop look at the clock now (tests move a fake clock, then wake)."""
        self._inbox.put(Wake())

    def settle(self, timeout: float = 10.0) -> bool:
        """Block until queued events are handled, the refreshes they started are done and the
        status is sent; a frame the gate holds back for later does not count.

        Returns False if that took longer than ``timeout`` seconds. For tests and the demo.
        """
        deadline = time.monotonic() + timeout
        while True:
            flush = self._inbox.flush()
            if not flush.done.wait(max(0.0, deadline - time.monotonic())):
                return False
            if not flush.refreshing:
                return True
            if not self._worker.wait_idle(max(0.0, deadline - time.monotonic())):
                return False

    # -- the loop -----------------------------------------------------------------------

    def _run(self) -> None:
        changed, flushes = True, list[Flush]()
        ready = False
        while True:
            if changed:
                self._update_door()
                self._planned_mono = self._plan()
                self._watch_rooms()
            self._door.hand_over(self._clock.monotonic())
            self._publish_status()
            self._wake_mono = self._next_wake()
            for flush in flushes:
                flush.refreshing = self._door.gate.in_flight is not None
                flush.done.set()
            if not ready:
                self._notifier.ready()
                ready = True
            self._notifier.alive()
            batch = self._next_batch()
            if batch is None:
                return
            changed, flushes = batch

    def _watch_rooms(self) -> None:
        """Follow this door's room, and every room while its session is full."""
        state = self._state
        self._link.watch(state.room_id, state.current_full(self._clock.now()))

    def _next_batch(self) -> tuple[bool, list[Flush]] | None:
        """Wait for events or the planned wake, apply the events; None once told to stop.

        Returns whether the door may look different, which it may also once the planned wake
        time has come (whether or not events arrived first), and the flushes to answer.
        """
        wait = max(0.0, self._wake_mono - self._clock.monotonic())
        items = self._inbox.drain(min(wait, self._notifier.interval_s))
        if items is None:
            return True, []
        changed, flushes = False, list[Flush]()
        for item in items:
            if isinstance(item, Flush):
                flushes.append(item)
            else:
                changed = self._handle(item) or changed
        if self._inbox.stopped:
            return None
        changed = self._follow_clock() or changed
        return changed or self._clock.monotonic() >= self._planned_mono, flushes

    def _plan(self) -> float:
        """The monotonic time at which the door next needs an update by itself: one refresh
        lead before its words change, the hub counting as lost, an identify ending."""
        now, mono = self._clock.now(), self._clock.monotonic()
        moments = [self._door.next_change_mono(now, mono), self._state.next_deadline(mono)]
        return min((m + BOUNDARY_MARGIN_S for m in moments if m is not None), default=math.inf)

    def _next_wake(self) -> float:
        """When the loop looks at the clock again if no event comes first (monotonic)."""
        wakes = [self._clock.monotonic() + MAX_WAIT_S, self._planned_mono]
        ready = self._door.gate.ready_at()
        return min(wakes if ready is None else [*wakes, ready])

    def _handle(self, event: NodeEvent) -> bool:
        """Apply one event; True if the door may look different. Never raises."""
        try:
            return self._apply(event)
        except Exception as exc:  # one bad event must not stop the door
            log.exception("failed to handle %s", type(event).__name__)
            self._last_error = f"{type(exc).__name__}: {exc}"
            return True

    def _apply(self, event: NodeEvent) -> bool:
        state, now, mono = self._state, self._clock.now(), self._clock.monotonic()
        before = state.context(mono, now)
        changed = True
        match event:
            case SnapshotArrived():
                changed = self._snapshot(event.room_id, event.snapshot)
            case RoomCleared():
                changed = state.others.pop(event.room_id, None) is not None
            case ConfigArrived():
                changed = self._config(event.config)
            case SiteArrived():
                state.site, changed = event.site, False
            case HubStatusArrived():
                changed = self._hub_status(event, mono, now)
            case LinkChanged():
                state.link_changed(event.connected, mono, now)
                changed = state.context(mono, now) != before or state.diagnostic
            case AddressFound():
                self._ip, changed = event.ip, state.diagnostic
            case CommandArrived():
                changed = self._command(event.command, mono)
            case ButtonPressed():
                changed = self._press(now, mono)
            case ButtonHeld():
                state.diagnostic = True
            case FrameShown() | PartFailed():
                self._own_report(event, mono)
                changed = False
            case Wake():
                pass
        return changed

    def _hub_status(self, event: HubStatusArrived, mono: float, now: datetime) -> bool:
        """A hub status: contact, and on a live heartbeat the hub's time for the door's."""
        state = self._state
        before = state.context(mono, now)
        log.debug("hub %s at %s", event.status.state, event.status.at)
        state.hub_status(event.status, mono, now, event.live)
        jumped = False
        if event.live and event.status.at is not None:
            jumped = abs(self._time.heard_hub(event.status.at)) > MAX_TIME_STEP_S
            self._follow_clock()
        return jumped or state.context(mono, self._clock.now()) != before or state.diagnostic

    def _snapshot(self, room_id: str, snapshot: RoomSnapshot) -> bool:
        state = self._state
        if room_id != state.room_id:  # another room: only "also on now" beside a full session
            kept = state.offer_other(room_id, snapshot)
            return kept and state.current_full(self._door.at(self._clock.now()))
        if not state.offer_snapshot(room_id, snapshot):
            return False
        log.info("applied snapshot %s/%d of room %s", snapshot.epoch, snapshot.version, room_id)
        self._cache_snapshot(room_id, snapshot)
        self._confirmed = self._presses.confirmed_by(snapshot) or self._confirmed
        return True

    def _config(self, config: NodeConfig) -> bool:
        try:
            self._config_cache.save(config)
        except OSError as exc:
            log.error("cannot cache the node config: %s", exc)
            self._last_error = f"cache: {exc}"
        if config.panel is not None and config.panel != self.settings.panel:
            log.warning("the hub asks for panel %s: restart with it in the config", config.panel)
        room = self._room_for(config)
        if not self._state.move_to_room(room, self._cached_snapshot(room)):
            return False
        log.info("the hub assigned room %s", room)
        if room is not None and self._state.snapshot is not None:  # it may come from "others"
            self._cache_snapshot(room, self._state.snapshot)
        self._presses.forget()
        return True

    def _cache_snapshot(self, room_id: str, snapshot: RoomSnapshot) -> None:
        try:
            SnapshotCache.for_room(self.settings.state_dir, room_id).save(snapshot)
        except OSError as exc:
            log.error("cannot cache the snapshot of room %s: %s", room_id, exc)
            self._last_error = f"cache: {exc}"

    def _command(self, command: NodeCommand, mono: float) -> bool:
        """Act on a command from the hub, unless it is older than its ``duration_s``.

        The broker drops commands whose message expiry passed; this also catches one that
        lingered, by hub time, once a heartbeat has given it.
        """
        hub_now = self._time.hub_now()
        age = None if hub_now is None else (hub_now - command.issued_at).total_seconds()
        if age is not None and age > command.duration_s:
            log.info("ignored command %s (%s): issued %.0f s ago", command.command, command.id, age)
            return False
        log.info("command %s (%s)", command.command, command.id)
        if command.command == "identify":
            self._state.identify(mono, command.duration_s)
        else:
            self._force_refresh = True
        return True

    def _press(self, now: datetime, mono: float) -> bool:
        """A short press: leave the diagnostic frame, or flip full at once and tell the hub."""
        state = self._state
        if state.diagnostic:
            state.diagnostic = False
            return True
        at = self._door.at(now)
        toggle = state.toggle_full(at)
        if toggle is None:
            log.info("button pressed with no session on the door: nothing to mark full")
            self._door.nothing_to_mark()
            return False
        self._door.show_led(at, mono)
        self._link.publish_event(self._presses.event(toggle, now))
        log.info(
            "press: session %d of room %s full=%s", toggle.session_id, toggle.room_id, toggle.full
        )
        return True

    def _own_report(self, event: FrameShown | PartFailed, mono: float) -> None:
        """A refresh ended, or a part of the node failed (reported in the status)."""
        if isinstance(event, FrameShown):
            self._shown(event, mono)
        else:
            self._last_error = f"{event.part}: {event.error}"[:500]

    def _shown(self, event: FrameShown, mono: float) -> None:
        self._door.gate.finished(event.frame_hash, event.error, mono)
        self._last_shown = event
        if event.error is not None:
            self._last_error = f"display: {event.error}"

    def _room_for(self, config: NodeConfig | None) -> str | None:
        """The hub's assignment, once the hub has sent one, wins over the local setting: a
        config without a room (the node's room was removed, or never existed on the hub)
        leaves the door "Not assigned"."""
        if config is not None:
            return config.room_id
        return self.settings.room_id

    def _follow_clock(self) -> bool:
        """Take up whether the door's clock is trusted now; True if that changed."""
        trusted = self._time.trusted()
        changed, self._state.clock_synced = trusted != self._state.clock_synced, trusted
        return changed

    def _cached_snapshot(self, room_id: str | None) -> RoomSnapshot | None:
        if room_id is None:
            return None
        return SnapshotCache.for_room(self.settings.state_dir, room_id).load()

    # -- output -------------------------------------------------------------------------

    def _update_door(self) -> None:
        """Set the LED and draw the door if its words changed. Never raises."""
        now, mono = self._clock.now(), self._clock.monotonic()
        force, self._force_refresh = self._force_refresh, False
        try:
            self.last_view = self._door.update(now, mono, ip=self._ip, force=force)
        except Exception as exc:  # a snapshot the renderer chokes on must not stop the door
            log.exception("failed to render the door")
            self._last_error = f"render: {type(exc).__name__}: {exc}"
        if self._confirmed:  # after the LED took its new pattern
            self._door.flash()
            self._confirmed = False

    def _publish_status(self) -> None:
        """Send the status if anything in it but its timestamps changed. Never raises."""
        shown, mono = self._last_shown, self._clock.monotonic()
        refresh = Refresh(
            shown.started_at if shown else None,
            shown.duration_s if shown else None,
            self._door.gate.glass,
        )
        try:
            status = node_status(
                self._state, panel=self._display.panel.id, at=self._clock.now(),
                uptime_s=mono - self._state.started_mono, refresh=refresh, ip=self._ip,
                last_error=self._last_error,
            )  # fmt: skip
        except ValueError:  # a status the wire model refuses is a bug; the door goes on
            log.exception("cannot build the node status")
            return
        if self._published is not None and steady(self._published) == steady(status):
            return
        self._published = self.last_status = status
        self._link.publish_status(status)
