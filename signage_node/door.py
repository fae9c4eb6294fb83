"""What people at the door see: the LED, and the frame on the glass, kept in step with the state.

:class:`Door` belongs to the node's loop thread. It works out the door's time
(:func:`~shared.doortime.door_time`), the words (:func:`shared.render.door_view`), draws a
frame only when the words changed, and lets its :class:`~signage_node.refresh.RefreshGate` hand
frames to the display worker. The LED is set first, so it never waits for a drawing.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from shared.doortime import door_time, next_change
from shared.render import DoorView, NodeContext, Panel, door_view, draw_frame, frame_hash
from shared.render.suggestions import also_on_now
from shared.wire import RoomSnapshot
from signage_node.display_worker import DisplayWorker
from signage_node.hardware import DoorLed, LedPattern
from signage_node.refresh import RefreshGate
from signage_node.state import DoorState
from signage_node.status import diagnostic_facts


class Door:
    """The LED and the glass of one door. ``lead_s``: how long before a change of words the
    refresh starts; ``gate`` decides when a frame may go to ``worker``."""

    def __init__(
        self,
        state: DoorState,
        panel: Panel,
        worker: DisplayWorker,
        *,
        lead_s: float,
        gate: RefreshGate,
    ) -> None:
        self._state = state
        self._panel = panel
        self._worker = worker
        self.lead_s = lead_s
        self.gate = gate
        self.led: DoorLed | None = None
        self._drawn: DoorView | None = None

    def at(self, now: datetime) -> datetime:
        """The time the door is drawn for when the clock reads ``now``."""
        state = self._state
        return door_time(state.shown_snapshot(), now, self.lead_s, self._others(now))

    def update(self, now: datetime, mono: float, *, ip: str | None, force: bool) -> DoorView:
        """Set the LED, work out the words and, if they changed (or ``force``), draw them and
        offer the frame to the gate. Raises whatever the renderer raises."""
        snapshot = self._state.shown_snapshot()
        at = self.at(now)
        self.show_led(at, mono)
        view = door_view(snapshot, at, self._context(at, now, mono, ip))
        if view != self._drawn or force:
            frame = draw_frame(view, self._panel)
            self._drawn = view
            self.gate.offer(frame, frame_hash(frame), force=force)
        return view

    def _context(self, at: datetime, now: datetime, mono: float, ip: str | None) -> NodeContext:
        state = self._state
        snapshot = state.shown_snapshot()
        others = self._others(now)
        return replace(
            state.context(mono, now),
            also_on_now=also_on_now(snapshot, others, at) if snapshot is not None else (),
            diagnostics=diagnostic_facts(state, ip=ip) if state.diagnostic else (),
        )

    def _others(self, now: datetime) -> tuple[RoomSnapshot, ...]:
        """The other rooms' snapshots, when they can matter: only a full session's door shows
        "also on now". With hundreds of rooms, looking through them on every event would cost
        more than everything else the node does."""
        state = self._state
        return tuple(state.others.values()) if state.current_full(now) else ()

    def show_led(self, at: datetime, mono: float) -> None:
        """Identify blinks fast; a lost hub blinks slowly; else lit while the door's session
        is full."""
        if self.led is None:
            return
        state = self._state
        full = state.current_full(at)
        if state.identifying(mono):
            pattern = LedPattern.IDENTIFY
        elif state.offline_since(mono) is not None:
            pattern = LedPattern.OFFLINE_FULL if full else LedPattern.OFFLINE
        else:
            pattern = LedPattern.FULL if full else LedPattern.OFF
        self.led.show(pattern)

    def flash(self) -> None:
        """One quick LED flash (the hub confirmed a press)."""
        if self.led is not None:
            self.led.flash()

    def nothing_to_mark(self) -> None:
        """Two quick LED flashes: a press with no session on the door marks nothing."""
        if self.led is not None:
            self.led.nothing_to_mark()

    def hand_over(self, mono: float) -> None:
        """Give the display worker the frame the gate lets through at ``mono``, if any."""
        handed = self.gate.take(mono)
        if handed is not None:
            self._worker.submit(*handed)

    def next_change_mono(self, now: datetime, mono: float) -> float | None:
        """The monotonic time, one lead before the door's words next change, at which it needs
        drawing again (None: they never change by themselves)."""
        state = self._state
        snapshot, others = state.shown_snapshot(), self._others(now)
        change = next_change(snapshot, door_time(snapshot, now, self.lead_s, others), others)
        if change is None:
            return None
        return mono + (change - now).total_seconds() - self.lead_s
