"""The thread that puts frames on the glass, so nothing else waits for a slow refresh.

The node's loop hands over frames with :meth:`DisplayWorker.submit` (never blocks). While a
refresh runs, newer frames coalesce: only the newest one waiting is shown next, so a burst of
updates during a 30-second refresh costs one more refresh, not one each.

A display that fails (raises) is reported as a failed refresh, which the refresh gate retries.
Anything that escapes that (a driver calling ``sys.exit``) restarts the worker's thread through
the :class:`~signage_node.supervisor.Supervisor`, after reporting the frame it was showing as
failed, so the gate never waits for a refresh that will not end.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PIL import Image

from shared.clock import Clock
from signage_node.display import Display
from signage_node.events import FrameShown
from signage_node.supervisor import Supervisor

log = logging.getLogger(__name__)


class DisplayWorker:
    """Shows submitted frames on ``display`` from its own thread.

    ``on_shown`` is called on the worker thread after each refresh (also a failed one, with
    ``error`` set); it must only queue an event. ``supervisor`` restarts the thread if
    something escapes a refresh (default: a supervisor of its own).
    """

    def __init__(
        self,
        display: Display,
        clock: Clock,
        on_shown: Callable[[FrameShown], None],
        *,
        supervisor: Supervisor | None = None,
    ) -> None:
        self._display = display
        self._clock = clock
        self._on_shown = on_shown
        self._changed = threading.Condition()
        self._waiting: tuple[Image.Image, str] | None = None
        self._showing: str | None = None
        self._busy = False
        self._stopping = False
        self._thread = (supervisor or Supervisor()).thread(
            "display worker", self._run, restart=self._recover
        )

    def start(self) -> None:
        self._thread.start()

    def submit(self, frame: Image.Image, frame_hash: str) -> None:
        """Queue ``frame`` to be shown next, replacing any frame still waiting."""
        with self._changed:
            if self._waiting is not None:
                log.debug("frame %s replaced by a newer one before it was shown", self._waiting[1])
            self._waiting = (frame, frame_hash)
            self._changed.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Block until no frame is waiting or being shown; False if ``timeout`` ran out."""
        with self._changed:
            return self._changed.wait_for(
                lambda: self._waiting is None and not self._busy, timeout=timeout
            )

    def stop(self, timeout: float = 60.0) -> None:
        """Finish the refresh in progress (frames still waiting are dropped) and join."""
        with self._changed:
            self._stopping = True
            self._changed.notify_all()
            if self._busy:
                log.info("waiting up to %.0f s for the refresh in progress", timeout)
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._waiting is not None or self._stopping)
                if self._stopping:
                    return
                assert self._waiting is not None
                (frame, digest), self._waiting = self._waiting, None
                self._busy, self._showing = True, digest
            self._on_shown(self._show(frame, digest))
            with self._changed:
                self._busy, self._showing = False, None
                self._changed.notify_all()

    def _recover(self) -> None:
        """After a failure escaped :meth:`_show`: report its frame as failed, be idle again."""
        with self._changed:
            digest, self._showing = self._showing, None
            self._busy = False
            self._changed.notify_all()
        if digest is not None:
            error = "the display worker failed and was restarted"
            self._on_shown(FrameShown(digest, self._clock.now(), 0.0, error=error))

    def _show(self, frame: Image.Image, digest: str) -> FrameShown:
        started_at, started = self._clock.now(), self._clock.monotonic()
        try:
            self._display.show(frame)
        except Exception as exc:  # a panel can fail in many ways; the node reports and goes on
            log.exception("the display failed to show frame %s", digest)
            return FrameShown(digest, started_at, 0.0, error=f"{type(exc).__name__}: {exc}")
        duration = self._clock.monotonic() - started
        log.info("frame %s shown in %.2f s", digest, duration)
        return FrameShown(digest, started_at, duration)
