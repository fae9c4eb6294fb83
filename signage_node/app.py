"""The door node: one loop thread that owns the state, fed by a queue.

Threads and who owns what::

    paho's loop thread ─┐  (decoded payloads, link up/down)
    gpiozero threads ───┼──▶ queue ──▶ node loop: DoorState, LED, render, publish
    display worker ─────┘  (frame shown)          │
                                                  └──▶ display worker: display.show(frame)

The loop applies events, then renders the door (:func:`shared.render.door_view` and
:func:`~shared.render.draw_frame`, which :func:`~shared.render.render_door` composes) and hands
the frame to the display worker only when its hash differs from the last one handed over.
Between events it waits on the queue until the next slot boundary of its snapshot (or the
moment the hub counts as lost, or an identify ends), so the door turns over with no message
from the hub. Status goes to the hub whenever what it says has changed.
"""

from __future__ import annotations

import logging
import queue
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime

from PIL import Image

from shared import __version__
from shared.clock import Clock
from shared.render import DoorView, door_view, draw_frame, frame_hash
from shared.schedule import next_boundary
from shared.wire import ButtonEvent, NodeCommand, NodeConfig, NodeStatus, RoomSnapshot
from signage_node.cache import ConfigCache, SnapshotCache
from signage_node.config import NodeSettings
from signage_node.display import Display
from signage_node.display_worker import DisplayWorker
from signage_node.events import (
    ButtonHeld,
    ButtonPressed,
    CommandArrived,
    ConfigArrived,
    FrameShown,
    HubStatusArrived,
    LinkChanged,
    NodeEvent,
    SiteArrived,
    SnapshotArrived,
    Wake,
)
from signage_node.hardware import DoorButton, DoorLed
from signage_node.mqtt_link import Link, LinkFactory, NodeLink
from signage_node.state import DoorState

log = logging.getLogger(__name__)

#: The loop re-evaluates at least this often, in case the wall clock jumped.
MAX_WAIT_S = 60.0
#: Wake a little after a boundary rather than a little before it.
BOUNDARY_MARGIN_S = 0.005


@dataclass(frozen=True)
class _Flush:
    """Set ``done`` once every event queued before this one has been handled."""

    done: threading.Event


class _Stop:
    """Ends the loop."""


_Item = NodeEvent | _Flush | _Stop


class Node:
    """One door node: MQTT link, button, LED, display, cache and the loop that ties them.

    ``pin_factory`` is gpiozero's (None: the default on a Pi; a ``MockFactory`` in tests and
    the demo). ``link_factory(settings, deliver)`` builds the broker link (default
    :class:`~signage_node.mqtt_link.NodeLink`). Call :meth:`start` once and :meth:`stop` once.
    """

    def __init__(
        self,
        settings: NodeSettings,
        *,
        clock: Clock,
        display: Display,
        pin_factory: object | None = None,
        link_factory: LinkFactory = NodeLink,
    ) -> None:
        self.settings = settings
        self._clock = clock
        self._display = display
        self._pin_factory = pin_factory
        self._queue: queue.SimpleQueue[_Item] = queue.SimpleQueue()
        self._link: Link = link_factory(settings, self._queue.put)
        self._worker = DisplayWorker(display, clock, self._queue.put)
        self._config_cache = ConfigCache.in_folder(settings.state_dir)
        self._state = DoorState(
            settings.node_id, None, settings.offline_after_beats, clock.monotonic(), clock.now()
        )
        self._thread = threading.Thread(
            target=self._run, name=f"node-{settings.node_id}", daemon=True
        )
        self._button: DoorButton | None = None
        self._led: DoorLed | None = None
        self._last_handed: str | None = None
        self._force_refresh = False
        self._last_shown: FrameShown | None = None
        self._last_error: str | None = None
        self._published: NodeStatus | None = None
        #: The last door view drawn and the last status published (read from any thread).
        self.last_view: DoorView | None = None
        self.last_status: NodeStatus | None = None

    # -- lifecycle ----------------------------------------------------------------------

    def start(self) -> None:
        """Load the cache, draw it, open the pins and start connecting (returns at once)."""
        config = self._config_cache.load()
        room = self._room_for(config)
        self._state.move_to_room(room, self._cached_snapshot(room))
        self._link.set_room(room)
        self._led = DoorLed(self.settings.led_pin, pin_factory=self._pin_factory)
        self._button = DoorButton(
            self.settings.button_pin,
            on_press=lambda: self._queue.put(ButtonPressed()),
            on_hold=lambda: self._queue.put(ButtonHeld()),
            clock=self._clock,
            debounce_s=self.settings.debounce_s,
            hold_s=self.settings.hold_s,
            pin_factory=self._pin_factory,
        )
        self._worker.start()
        self._thread.start()
        self._link.start()
        log.info("node %s started, showing room %s", self.settings.node_id, room)

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the pins, the loop, the display worker and the link, joining their threads."""
        if self._button is not None:
            self._button.close()
        self._queue.put(_Stop())
        if self._thread.is_alive():
            self._thread.join(timeout)
        self._worker.stop(timeout)
        self._link.stop()
        if self._led is not None:
            self._led.close()
        log.info("node %s stopped", self.settings.node_id)

    def wake(self) -> None:
        """Make the loop look at the clock now (tests move a fake clock, then wake)."""
        self._queue.put(Wake())

    def settle(self, timeout: float = 10.0) -> bool:
        """Block until queued events are handled, their frame shown and the status sent.

        Returns False if that took longer than ``timeout`` seconds. For tests and the demo.
        """
        for _ in range(2):
            done = threading.Event()
            self._queue.put(_Flush(done))
            if not done.wait(timeout) or not self._worker.wait_idle(timeout):
                return False
        return True

    # -- the loop -----------------------------------------------------------------------

    def _run(self) -> None:
        self._refresh_door()
        while True:
            try:
                item: _Item | None = self._queue.get(timeout=self._wait_s())
            except queue.Empty:
                item = None
            changed = item is None
            flushes: list[_Flush] = []
            while True:
                if isinstance(item, _Stop):
                    return
                if isinstance(item, _Flush):
                    flushes.append(item)
                elif item is not None:
                    changed = self._handle(item) or changed
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
            if changed:
                self._refresh_door()
            self._publish_status()
            for flush in flushes:
                flush.done.set()

    def _wait_s(self) -> float:
        now, mono = self._clock.now(), self._clock.monotonic()
        waits = [MAX_WAIT_S]
        snapshot = self._state.snapshot
        boundary = next_boundary(snapshot.slots, now) if snapshot is not None else None
        if boundary is not None:
            waits.append((boundary - now).total_seconds() + BOUNDARY_MARGIN_S)
        deadline = self._state.next_deadline(mono)
        if deadline is not None:
            waits.append(deadline - mono + BOUNDARY_MARGIN_S)
        return max(0.0, min(waits))

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
        before = state.context(mono)
        changed = True
        match event:
            case SnapshotArrived():
                changed = self._snapshot(event.room_id, event.snapshot)
            case ConfigArrived():
                changed = self._config(event.config)
            case SiteArrived():
                state.site = event.site
                changed = False
            case HubStatusArrived():
                log.debug("hub %s at %s", event.status.state, event.status.at)
                state.hub_status(event.status, mono, now)
                changed = state.context(mono) != before
            case LinkChanged():
                state.link_changed(event.connected, mono, now)
                changed = state.context(mono) != before
            case CommandArrived():
                self._command(event.command, mono)
            case ButtonPressed():
                changed = self._press(now)
            case ButtonHeld():
                state.diagnostic = True
            case FrameShown():
                self._last_shown = event
                self._last_error = event.error or self._last_error
                changed = False
        return changed

    def _command(self, command: NodeCommand, mono: float) -> None:
        log.info("command %s (%s)", command.command, command.id)
        if command.command == "identify":
            self._state.identify(mono, command.duration_s)
        else:
            self._force_refresh = True

    def _snapshot(self, room_id: str, snapshot: RoomSnapshot) -> bool:
        if not self._state.offer_snapshot(room_id, snapshot):
            return False
        log.info("applied snapshot %s/%d of room %s", snapshot.epoch, snapshot.version, room_id)
        try:
            SnapshotCache.for_room(self.settings.state_dir, room_id).save(snapshot)
        except OSError as exc:
            log.error("cannot cache the snapshot of room %s: %s", room_id, exc)
            self._last_error = f"cache: {exc}"
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
        self._link.set_room(room)
        return True

    def _press(self, now: datetime) -> bool:
        """A short press: leave the diagnostic frame, or flip full at once and tell the hub."""
        if self._state.diagnostic:
            self._state.diagnostic = False
            return True
        toggle = self._state.toggle_full(now)
        if toggle is None:
            log.info("button pressed with no session on now: nothing to mark full")
            return False
        self._show_led(now)
        event = ButtonEvent(
            event_id=uuid.uuid4().hex,
            node_id=self.settings.node_id,
            room_id=toggle.room_id,
            full=toggle.full,
            session_id=toggle.session_id,
            pressed_at=now,
            snapshot_version=toggle.snapshot_version,
        )
        self._link.publish_event(event)
        log.info(
            "press: session %d of room %s full=%s", toggle.session_id, toggle.room_id, toggle.full
        )
        return True

    def _room_for(self, config: NodeConfig | None) -> str | None:
        """The hub's assignment wins over the local setting."""
        if config is not None and config.room_id is not None:
            return config.room_id
        return self.settings.room_id

    def _cached_snapshot(self, room_id: str | None) -> RoomSnapshot | None:
        if room_id is None:
            return None
        return SnapshotCache.for_room(self.settings.state_dir, room_id).load()

    # -- output -------------------------------------------------------------------------

    def _show_led(self, now: datetime) -> None:
        if self._led is not None:
            self._led.show(self._state.current_full(now))

    def _refresh_door(self) -> None:
        """Render the door; hand the frame over if it changed (or a refresh was asked for)."""
        now = self._clock.now()
        self._show_led(now)
        try:
            frame, view = self._render(now)
        except Exception as exc:  # a snapshot the renderer chokes on must not stop the door
            log.exception("failed to render the door")
            self._last_error = f"render: {type(exc).__name__}: {exc}"
            return
        self.last_view = view
        digest = frame_hash(frame)
        if digest == self._last_handed and not self._force_refresh:
            return
        self._last_handed, self._force_refresh = digest, False
        self._worker.submit(frame, digest)

    def _render(self, now: datetime) -> tuple[Image.Image, DoorView]:
        context = self._state.context(self._clock.monotonic())
        view = door_view(self._state.shown_snapshot(), now, context)
        return draw_frame(view, self._display.panel), view

    def _publish_status(self) -> None:
        """Send the status if anything in it but its timestamps changed. Never raises."""
        try:
            status = self._status()
        except ValueError:  # a status the wire model refuses is a bug; the door goes on
            log.exception("cannot build the node status")
            return
        before = self._published
        if before is not None and _steady(before) == _steady(status):
            return
        self._published = self.last_status = status
        self._link.publish_status(status)

    def _status(self) -> NodeStatus:
        state, shown, snapshot = self._state, self._last_shown, self._state.snapshot
        return NodeStatus(
            node_id=self.settings.node_id,
            state="online",
            at=self._clock.now(),
            software_version=__version__,
            room_id=state.room_id,
            panel=self._display.panel.id,
            applied_version=snapshot.version if snapshot else None,
            applied_epoch=snapshot.epoch if snapshot else None,
            frame_hash=shown.frame_hash if shown and shown.error is None else None,
            last_refresh_at=shown.started_at if shown else None,
            last_refresh_s=shown.duration_s if shown else None,
            clock_offset_s=state.clock_offset_s,
            uptime_s=self._clock.monotonic() - state.started_mono,
            last_error=self._last_error[:500] if self._last_error else None,
        )


def _steady(status: NodeStatus) -> dict[str, object]:
    """What a status says, leaving out what changes with every tick of the clock."""
    return status.model_dump(exclude={"at", "uptime_s", "clock_offset_s"})
