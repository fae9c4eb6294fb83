"""Seven days alone, in fast-forward: a door node with no broker, from its cache only.

:func:`simulate_offline_week` writes a seven-day event's snapshot to a node's cache (a week
that crosses the start of daylight saving time in New York), starts a real
:class:`~signage_node.app.Node` with no broker (a :class:`~signage_node.simulation.LoopbackLink`
that never delivers anything), gpiozero mock pins and a fake clock, and moves the clock through
the week: to one minute before, and to, every slot boundary, and on every whole hour between.
At each step it checks the door against the snapshot itself (not through the renderer's own
rules): before a boundary the slot that is ending, from the boundary the new one (its time
range, and its topic for a session), and the "Offline since" marker. At the end the cache file
must be byte for byte what was written. ``on_step(at, view)`` is called after every step (the
benchmark reads the process's memory there)::

    result = simulate_offline_week("phat-ssd1608-red")
    assert result.wrong == [] and result.cache_intact
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from gpiozero.pins.mock import MockFactory
from PIL import Image

from shared.clock import FakeClock
from shared.render import PANELS, DoorView, Panel, frame_hash
from shared.wire import DoorSlot, EventInfo, RoomInfo, RoomSnapshot, SessionCard, with_hash
from signage_node.app import Node
from signage_node.cache import SnapshotCache
from signage_node.config import NodeSettings
from signage_node.mqtt_link import Deliver
from signage_node.simulation import LoopbackLink

ZONE = ZoneInfo("America/New_York")
#: Seven event days; daylight saving time starts on the night of the 13th to the 14th.
FIRST_DAY = date(2027, 3, 11)
DAYS = 7
HOURS = range(9, 18)  # 09:00-18:00 local, nine one-hour slots a day
ROOM = "room-301"
OFFLINE_SINCE = "Offline since 08:00"

Step = Callable[[datetime, DoorView], None]


@dataclass
class WeekResult:
    """What the door said wrong (empty: nothing), and whether its cache survived."""

    steps: int = 0
    boundaries: int = 0
    refreshes: int = 0
    wrong: list[str] = field(default_factory=list)
    cache_intact: bool = False


class LastFrameDisplay:
    """A panel that refreshes at once and keeps only a count and its last frame's hash, so the
    harness holds no more memory on day seven than on day one."""

    def __init__(self, panel: Panel) -> None:
        self._panel = panel
        self.refreshes = 0
        self.last: str | None = None

    @property
    def panel(self) -> Panel:
        return self._panel

    def show(self, frame: Image.Image) -> None:
        self.refreshes += 1
        self.last = frame_hash(frame)


def week_snapshot() -> RoomSnapshot:
    """Room 301 for seven days: sessions, with an open slot at 12:00 and a blocked one at 15:00."""
    slots = []
    for offset in range(DAYS):
        day = FIRST_DAY + timedelta(days=offset)
        for hour in HOURS:
            start = datetime.combine(day, time(hour), ZONE)
            slot_id = offset * 100 + hour
            kind = {12: "open", 15: "blocked"}.get(hour, "session")
            card = SessionCard(id=slot_id, title=f"Day {offset + 1} at {hour}:00",
                               host_name="Ada") if kind == "session" else None  # fmt: skip
            slots.append(DoorSlot(
                slot_id=slot_id, start=start, end=start + timedelta(hours=1), kind=kind,
                session=card, label="Keynote overflow" if kind == "blocked" else None,
            ))  # fmt: skip
    published = datetime.combine(FIRST_DAY, time(7, 55), ZONE)
    return with_hash(RoomSnapshot(
        epoch="week", version=7, published_at=published,
        event=EventInfo(name="A long conference", timezone=ZONE.key),
        room=RoomInfo(id=ROOM, name="Room 301"), slots=slots,
    ))  # fmt: skip


def expected(slot: DoorSlot | None) -> tuple[str, str]:
    """The time range and headline a door must show for ``slot`` (None: between slots)."""
    if slot is None:
        return "", ""
    start, end = slot.start.astimezone(ZONE), slot.end.astimezone(ZONE)
    when = f"{start:%H:%M}–{end:%H:%M}"
    if slot.kind == "session" and slot.session is not None:
        return when, slot.session.title
    return when, {"open": "", "blocked": slot.label or ""}.get(slot.kind, "")


def simulate_offline_week(
    panel_id: str = "impression-7.3-spectra6", *, on_step: Step | None = None
) -> WeekResult:
    """Run the week (see the module docstring) and return what went wrong."""
    snapshot = week_snapshot()
    with tempfile.TemporaryDirectory(prefix="openspaces-week-") as name:
        state = Path(name)
        cache = SnapshotCache.for_room(state, ROOM)
        cache.save(snapshot)
        written = cache.path.read_bytes()
        week = _Week(panel_id, state, snapshot, on_step)
        try:
            week.run()
        finally:
            week.stop()
        week.result.cache_intact = cache.path.read_bytes() == written
        return week.result


class _Week:
    def __init__(self, panel_id: str, state: Path, snapshot: RoomSnapshot,
                 on_step: Step | None) -> None:  # fmt: skip
        # The door's clock was synchronised before the network went (clock_sync_flag off: the
        # system clock is trusted); a door that never had time says "Time unknown" instead.
        settings = NodeSettings.model_validate({
            "node_id": "door-week", "room_id": ROOM, "panel": panel_id, "state_dir": state,
            "clock_sync_flag": None,
        })  # fmt: skip
        start = datetime.combine(FIRST_DAY, time(8), ZONE).astimezone(UTC)
        self.clock, self.pins = FakeClock(start), MockFactory()
        self.display = LastFrameDisplay(PANELS[panel_id])
        self.snapshot, self.on_step, self.result = snapshot, on_step, WeekResult()

        def link(node_settings: NodeSettings, deliver: Deliver) -> LoopbackLink:
            return LoopbackLink(node_settings, deliver)  # never delivers: no broker, no hub

        self.node = Node(settings, clock=self.clock, display=self.display,
                         pin_factory=self.pins, link_factory=link)  # fmt: skip

    def run(self) -> None:
        self.node.start()
        for moment in self._moments():
            self._step(moment)
        self.result.refreshes = self.display.refreshes

    def stop(self) -> None:
        self.node.stop()
        self.pins.close()

    def _moments(self) -> list[datetime]:
        """Every whole hour of the week, and a minute before and at every slot boundary."""
        start, end = self.clock.now(), self.snapshot.slots[-1].end + timedelta(hours=6)
        hours = [
            start + timedelta(hours=n) for n in range(1, int((end - start) / timedelta(hours=1)))
        ]
        edges = {moment for slot in self.snapshot.slots for moment in (slot.start, slot.end)}
        self.result.boundaries = len(edges)
        around = {m - timedelta(minutes=1) for m in edges} | edges
        return sorted(set(hours) | {m.astimezone(UTC) for m in around})

    def _step(self, at: datetime) -> None:
        self.clock.set(at)
        self.node.wake()
        if not self.node.settle(30):
            self.result.wrong.append(f"{at.isoformat()}: the node did not settle")
            return
        view = self.node.last_view
        self.result.steps += 1
        if view is None:
            self.result.wrong.append(f"{at.isoformat()}: no view")
            return
        self._check(at, view)
        if self.on_step is not None:
            self.on_step(at, view)

    def _check(self, at: datetime, view: DoorView) -> None:
        slot = next((s for s in self.snapshot.slots if s.start <= at < s.end), None)
        when, headline = expected(slot)
        said = (view.when, view.headline if headline else "")
        if said != (when, headline):
            self.result.wrong.append(f"{at.isoformat()}: door said {said}, not {(when, headline)}")
        if view.offline != OFFLINE_SINCE:
            self.result.wrong.append(f"{at.isoformat()}: footer {view.offline!r}")
