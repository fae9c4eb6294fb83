"""When the glass refreshes: the gate between frames and the panel. Pure (no clock, no IO);
it belongs to the node's loop thread. The door's own time (a refresh starts one refresh time
before the words change) is :func:`shared.doortime.door_time`.

:class:`RefreshGate` decides which frame goes to the display worker and when:

* a frame equal (by hash) to the one on the glass, or on its way there, is dropped;
* one refresh at a time: frames offered meanwhile replace each other, so a burst of updates
  during a refresh costs at most one more refresh;
* a refresh starts at least ``min_interval_s`` after the previous one started;
* a refresh that failed is retried after each of ``retry_delays_s`` in turn (a newer frame
  replaces the retry), then given up until a different frame, or a forced one, comes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from PIL import Image

log = logging.getLogger(__name__)

#: Seconds before each retry of a failed refresh; then the gate gives up on that frame.
RETRY_DELAYS_S = (5.0, 30.0, 120.0)


@dataclass(frozen=True)
class _Frame:
    image: Image.Image
    digest: str
    failures: int = 0
    retry_at: float = float("-inf")


class RefreshGate:
    """Holds the frame the glass should show next, and hands it over when the panel may take it.

    Times are monotonic seconds. ``glass`` is the hash of the frame on the glass (None before
    the first refresh and after a failed one); ``in_flight`` the hash being refreshed now.
    """

    def __init__(
        self, min_interval_s: float, retry_delays_s: tuple[float, ...] = RETRY_DELAYS_S
    ) -> None:
        self.min_interval_s = min_interval_s
        self.retry_delays_s = retry_delays_s
        self.glass: str | None = None
        self._in_flight: _Frame | None = None
        self._pending: _Frame | None = None
        self._given_up: str | None = None
        self._last_start = float("-inf")

    @property
    def in_flight(self) -> str | None:
        return self._in_flight.digest if self._in_flight is not None else None

    @property
    def pending(self) -> str | None:
        return self._pending.digest if self._pending is not None else None

    def offer(self, image: Image.Image, digest: str, *, force: bool = False) -> None:
        """The door should look like ``image`` (hash ``digest``); ``force`` refreshes even an
        unchanged frame (the hub's "refresh" command)."""
        target = self.in_flight or self.glass
        if not force and digest in (target, self._given_up):
            if self._pending is not None:
                log.debug("dropped frame %s: the glass will show %s", self._pending.digest, digest)
            self._pending = None
            return
        if not force and self._pending is not None and self._pending.digest == digest:
            return  # keep its retry count and time
        self._pending = _Frame(image, digest)

    def ready_at(self) -> float | None:
        """When :meth:`take` will hand a frame over (None: nothing waits, or a refresh runs)."""
        if self._pending is None or self._in_flight is not None:
            return None
        return max(self._last_start + self.min_interval_s, self._pending.retry_at)

    def take(self, mono: float) -> tuple[Image.Image, str] | None:
        """The frame to refresh now, if one waits and the panel may take it at ``mono``."""
        ready = self.ready_at()
        if ready is None or mono < ready:
            return None
        assert self._pending is not None
        frame, self._pending = self._pending, None
        self._in_flight, self._last_start = frame, mono
        return frame.image, frame.digest

    def finished(self, digest: str, error: str | None, mono: float) -> None:
        """The refresh of ``digest`` ended at ``mono``, failed with ``error`` if set."""
        done, self._in_flight = self._in_flight, None
        if done is None or done.digest != digest:
            log.warning("a refresh of %s ended that the gate did not start", digest)
            return
        if error is None:
            self.glass, self._given_up = digest, None
            return
        self.glass = None
        if self._pending is not None:
            return  # a newer frame replaces the one that failed
        if done.failures < len(self.retry_delays_s):
            delay = self.retry_delays_s[done.failures]
            log.warning("refresh of %s failed (%s); retrying in %.0f s", digest, error, delay)
            self._pending = replace(done, failures=done.failures + 1, retry_at=mono + delay)
        else:
            log.error("refresh of %s failed %d times; giving up on it", digest, done.failures + 1)
            self._given_up = digest
