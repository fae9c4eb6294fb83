"""The node loop's queue: the one hand-off from paho, gpiozero and display threads to the loop.

Any thread may :meth:`Inbox.put` an event; only the loop thread calls :meth:`Inbox.drain`.
Besides events the queue carries two markers: a :class:`Flush` (answered by the loop once
everything queued before it is handled) and the stop marker put by :meth:`Inbox.close`.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator

from signage_node.events import NodeEvent


class Flush:
    """``done`` is set once every event queued before this one has been handled; ``refreshing``
    then tells whether a refresh was running."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.refreshing = False


class _Stop:
    """Ends the loop."""


_Item = NodeEvent | Flush | _Stop


class Inbox:
    """A thread-safe FIFO of events and markers (never blocks a producer)."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[_Item] = queue.SimpleQueue()
        #: True once :meth:`drain` reached the stop marker (read by the loop thread only).
        self.stopped = False

    def put(self, event: NodeEvent) -> None:
        """Queue an event for the loop; callable from any thread."""
        self._queue.put(event)

    def flush(self) -> Flush:
        """Queue a flush marker and return it (wait on its ``done``)."""
        marker = Flush()
        self._queue.put(marker)
        return marker

    def close(self) -> None:
        """Queue the stop marker: the loop ends when it reaches it."""
        self._queue.put(_Stop())

    def drain(self, timeout: float) -> Iterator[NodeEvent | Flush] | None:
        """Wait up to ``timeout`` seconds for an item; None if none came.

        Otherwise an iterator over that item and every one queued behind it, in order; each
        next item is taken only when asked for. It ends early at the stop marker, setting
        :attr:`stopped`.
        """
        try:
            first = self._queue.get(timeout=timeout)
        except queue.Empty:
            return None
        return self._from(first)

    def _from(self, item: _Item | None) -> Iterator[NodeEvent | Flush]:
        while item is not None:
            if isinstance(item, _Stop):
                self.stopped = True
                return
            yield item
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                item = None
