"""The door's time: whose clock it reads, and whether it may be believed.

A door computes "now" and "next" from its own clock, so a wrong clock shows a wrong session.
After a power cut a Raspberry Pi (no battery clock on most models) boots with the time it
saved at shutdown (fake-hwclock, or timesyncd's clock file): hours stale, and nothing on the
door would look wrong. The node therefore does not wait for NTP (its systemd unit starts at
once) and trusts its clock only when one of these says it is right:

- **the hub's heartbeats**: each live heartbeat on ``hub/status`` carries the hub's time.
  From the first one on, the door reads *hub time*: the last heartbeat's time plus the
  monotonic seconds since it arrived (so a later NTP step of the system clock cannot move it).
  The door and the hub's board then agree on the slot, whatever the Pi's clock says.
- **timesyncd**: ``systemd-timesyncd`` creates ``/run/systemd/timesync/synchronized`` when it
  has synchronised the clock. ``/run`` is emptied at every boot, so the file means "synchronised
  this boot". The path is the node setting ``clock_sync_flag``; none (``""`` in the file)
  trusts the system clock as it is (simulations on a machine kept in time another way).

Until then the door says "Time unknown" (:class:`shared.render.NodeContext`'s
``clock_trusted``). Trust, once gained, holds until the process ends.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from shared.clock import Clock

log = logging.getLogger(__name__)

#: Where systemd-timesyncd says it synchronised the clock since boot.
SYNC_FLAG = Path("/run/systemd/timesync/synchronized")


def sync_flag_check(path: Path | None) -> Callable[[], bool]:
    """Whether the system clock was synchronised this boot: ``path`` exists (None: always)."""
    if path is None:
        return lambda: True
    return path.exists


class DoorClock:
    """A :class:`~shared.clock.Clock` that reads hub time once the hub has been heard, the
    system clock before; :meth:`trusted` says whether either may be believed.

    ``synced`` answers whether the system clock was synchronised this boot (see
    :func:`sync_flag_check`). Thread-safe enough for its use: the node's loop calls
    :meth:`heard_hub`; :meth:`now` may be read from any thread (it reads one tuple).
    """

    def __init__(self, system: Clock, synced: Callable[[], bool]) -> None:
        self._system = system
        self._synced = synced
        self._system_synced = False
        #: (the hub's time, our monotonic time) at the last live heartbeat.
        self._anchor: tuple[datetime, float] | None = None

    def now(self) -> datetime:
        """Hub time if the hub has been heard, else the system clock (trusted or not)."""
        anchor = self._anchor
        if anchor is None:
            return self._system.now()
        hub_at, mono = anchor
        return hub_at + timedelta(seconds=self._system.monotonic() - mono)

    def monotonic(self) -> float:
        return self._system.monotonic()

    def heard_hub(self, hub_at: datetime) -> float:
        """A live heartbeat stamped ``hub_at`` (the hub's clock) arrived just now; return how
        far that moved the door's time (seconds)."""
        before = self.now()
        if self._anchor is None:
            skew = (self._system.now() - hub_at).total_seconds()
            log.info("the door now reads hub time (its own clock was %+.1f s off)", skew)
        self._anchor = (hub_at, self._system.monotonic())
        return (self.now() - before).total_seconds()

    def hub_now(self) -> datetime | None:
        """Hub time, or None before the first heartbeat."""
        return self.now() if self._anchor is not None else None

    @property
    def source(self) -> str:
        """What the door's time comes from: "hub", "ntp" (synchronised this boot) or "none"."""
        if self._anchor is not None:
            return "hub"
        if not self._system_synced and self._synced():
            self._system_synced = True
            log.info("the system clock is synchronised (NTP): the door trusts it")
        return "ntp" if self._system_synced else "none"

    def trusted(self) -> bool:
        """Whether the door may show a session for :meth:`now`."""
        return self.source != "none"
