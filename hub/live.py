"""Live updates for open board pages: a change counter and a server-sent events stream.

:meth:`LiveUpdates.notify` is called after every published change (from any thread: API
threads, the MQTT worker). Every open ``/live`` stream then sends one ``board`` event whose id
is the counter, and the page re-fetches what it shows. Several changes in a burst reach a slow
client as one event. A stream ends after ``lifetime_s`` (the browser's ``EventSource``
reconnects at once, sending ``Last-Event-ID``; a change it missed meanwhile is sent at once),
so no stream outlives a server shutdown by more than that.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

log = logging.getLogger(__name__)

#: How long the browser waits before reconnecting a stream that ended, in milliseconds.
RETRY_MS = 1000


@dataclass(frozen=True)
class _Subscriber:
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue[int | None]


class LiveUpdates:
    """The change counter and its subscribers; ``notify`` is thread-safe."""

    def __init__(self, *, lifetime_s: float = 10.0, heartbeat_s: float = 5.0) -> None:
        self.lifetime_s = lifetime_s
        self.heartbeat_s = heartbeat_s
        self._version = 0
        self._subscribers: set[_Subscriber] = set()
        self._lock = threading.Lock()

    @property
    def version(self) -> int:
        return self._version

    def notify(self) -> None:
        """Count one change and wake every open stream."""
        with self._lock:
            self._version += 1
            version, subscribers = self._version, list(self._subscribers)
        for subscriber in subscribers:
            with contextlib.suppress(RuntimeError):  # its event loop has closed
                subscriber.loop.call_soon_threadsafe(subscriber.queue.put_nowait, version)

    def close(self) -> None:
        """End every open stream (the app is shutting down)."""
        with self._lock:
            subscribers = list(self._subscribers)
        for subscriber in subscribers:
            with contextlib.suppress(RuntimeError):
                subscriber.loop.call_soon_threadsafe(subscriber.queue.put_nowait, None)

    @contextlib.contextmanager
    def _subscribed(self) -> Iterator[asyncio.Queue[int | None]]:
        subscriber = _Subscriber(asyncio.get_running_loop(), asyncio.Queue())
        with self._lock:
            self._subscribers.add(subscriber)
        try:
            yield subscriber.queue
        finally:
            with self._lock:
                self._subscribers.discard(subscriber)

    async def stream(self, last_seen: int | None) -> AsyncIterator[str]:
        """The ``text/event-stream`` body for one client that last saw change ``last_seen``."""
        loop = asyncio.get_running_loop()
        ends = loop.time() + self.lifetime_s
        with self._subscribed() as queue:
            yield f"retry: {RETRY_MS}\n\n"
            if last_seen is not None and last_seen != self._version:
                yield _event(self._version)
            while (left := ends - loop.time()) > 0:
                try:
                    version = await asyncio.wait_for(queue.get(), min(left, self.heartbeat_s))
                except TimeoutError:
                    if ends - loop.time() > 0:
                        yield ": still here\n\n"
                    continue
                while not queue.empty():
                    newer = queue.get_nowait()
                    version = None if newer is None or version is None else newer
                if version is None:
                    return
                yield _event(version)


def _event(version: int) -> str:
    return f"id: {version}\nevent: board\ndata: {version}\n\n"
