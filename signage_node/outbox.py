"""Button events on their way to the hub, kept on disk until the broker has taken them.

paho queues QoS 1 messages in memory only: a node restarted during a broker outage would lose
the presses made meanwhile. So every :class:`~shared.wire.ButtonEvent` goes into the
:class:`Outbox` before it is handed to paho: one file per event in ``state_dir/outbox/``
(``0000000042.json``, the number keeping the order), written with
:func:`~signage_node.cache.atomic_write`, so a power cut leaves a whole event or none. An event
leaves the outbox once the broker acknowledged it (PUBACK) with the hub subscribed.

:class:`EventSender` sends the outbox in order, one event at a time: the next one goes out once
the broker acknowledged the one before. The hub applies each event's ``full`` in the order the
events arrive, so a later press overtaking an earlier one would leave the session wrong; presses
are rare, and one round trip each costs nothing. What the PUBACK's reason code means:

* 0, success: the event is removed from the outbox.
* 16, no matching subscribers: the broker has no subscription of the hub (it restarted without
  its saved sessions and the hub has not reconnected yet), so the event would reach no one. It
  stays, and sending pauses until a hub status arrives or the link reconnects.
* 128 and above, refused (e.g. 135, not authorized): sending again cannot help; the event is
  dropped with an error in the log.

On every (re)connect the sender starts again from the oldest event in the outbox, whatever was
in flight before; so does :meth:`EventSender.restart`, which the link calls after anything
unexpected was raised while sending. Duplicates are therefore possible (a PUBACK lost to a
disconnect, a removal that did not reach the disk before a power cut); the hub applies each
``event_id`` once. Loss is not, within two limits: the outbox holds at most :data:`MAX_EVENTS`
events (one more drops the oldest, logged as an error), and an event the broker acknowledged
while the hub was away lives in the broker's queue for the hub, which a broker killed before
its autosave loses.

A file in the outbox that cannot be read or parsed is logged and deleted; what a crash in the
middle of a write leaves (a hidden temporary file) is deleted.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from shared.errors import PayloadError
from shared.wire import ButtonEvent, decode, encode
from signage_node.cache import atomic_write

log = logging.getLogger(__name__)

#: At most this many events wait in the outbox (a day of presses at a busy door is a few dozen).
MAX_EVENTS = 1000
#: PUBACK reason codes (MQTT v5): accepted, and accepted with no subscriber to deliver to.
SUCCESS = 0
NO_MATCHING_SUBSCRIBERS = 16
#: Reason codes from here on are refusals.
FIRST_FAILURE = 128

_EVENT_FILE = re.compile(r"^(\d{10})\.json$")


@dataclass(frozen=True)
class _Entry:
    path: Path
    event: ButtonEvent


class Outbox:
    """The button events not yet taken by the broker, oldest first, in ``folder``.

    Reads the folder when made (a missing folder is an empty outbox). Thread-safe: events are
    added on the node's loop thread and removed on paho's.
    """

    def __init__(self, folder: Path, *, limit: int = MAX_EVENTS) -> None:
        if limit < 1:
            raise ValueError(f"an outbox holds at least one event, not {limit}")
        self.folder = folder
        self._limit = limit
        self._lock = threading.Lock()
        self._entries: dict[str, _Entry] = {}  # by event id, oldest first
        self._next_number = 1
        self._load()

    @classmethod
    def in_folder(cls, state_dir: Path) -> Outbox:
        """The node's outbox: ``state_dir/outbox/``."""
        return cls(state_dir / "outbox")

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def events(self) -> list[ButtonEvent]:
        """Every waiting event, oldest first."""
        with self._lock:
            return [entry.event for entry in self._entries.values()]

    def first(self) -> ButtonEvent | None:
        """The oldest waiting event, if any."""
        with self._lock:
            return next((entry.event for entry in self._entries.values()), None)

    def add(self, event: ButtonEvent) -> None:
        """Keep ``event`` (on disk before this returns) after every event already waiting.

        An event already waiting is not added twice. When the outbox is full the oldest event
        is dropped (logged as an error). If the disk refuses the write, the event is kept in
        memory only (logged as an error): it is still sent, but a restart would lose it.
        """
        with self._lock:
            if event.event_id in self._entries:
                return
            while len(self._entries) >= self._limit:
                self._drop_oldest()
            entry = _Entry(self.folder / f"{self._next_number:010d}.json", event)
            self._next_number += 1
            self._entries[event.event_id] = entry
            try:
                atomic_write(entry.path, encode(event))
            except OSError as exc:
                log.error("cannot keep button event %s on disk, in memory only: %s",
                          event.event_id, exc)  # fmt: skip

    def remove(self, event_id: str) -> bool:
        """Forget the event ``event_id``; False if it was not waiting."""
        with self._lock:
            entry = self._entries.pop(event_id, None)
        if entry is None:
            return False
        _unlink(entry.path)
        return True

    def _drop_oldest(self) -> None:
        event_id, entry = next(iter(self._entries.items()))
        del self._entries[event_id]
        _unlink(entry.path)
        log.error("outbox full (%d events): dropped the oldest button event %s (room %s, "
                  "pressed at %s)", self._limit, event_id, entry.event.room_id,
                  entry.event.pressed_at.isoformat())  # fmt: skip

    def _load(self) -> None:
        try:
            names = sorted(path.name for path in self.folder.iterdir())
        except FileNotFoundError:
            return
        except OSError as exc:
            log.error("cannot read the outbox %s, starting with none: %s", self.folder, exc)
            return
        for name in names:
            path = self.folder / name
            if name.startswith(".") and name.endswith(".tmp"):
                log.info("removing %s, left by a write that did not finish", path)
                _unlink(path)
            elif match := _EVENT_FILE.match(name):
                self._next_number = max(self._next_number, int(match.group(1)) + 1)
                self._load_entry(path)
            else:
                log.warning("ignoring %s: not an outbox file", path)
        while len(self._entries) > self._limit:
            self._drop_oldest()
        if self._entries:
            log.info("%d button events wait in the outbox %s", len(self._entries), self.folder)

    def _load_entry(self, path: Path) -> None:
        try:
            event = decode(ButtonEvent, path.read_bytes())
        except (OSError, PayloadError) as exc:
            log.error("dropping unreadable outbox file %s: %s", path, exc)
            _unlink(path)
            return
        if event.event_id in self._entries:
            log.warning("dropping %s: event %s is already waiting", path, event.event_id)
            _unlink(path)
            return
        self._entries[event.event_id] = _Entry(path, event)


def _unlink(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("cannot remove %s (it may be sent again after a restart): %s", path, exc)


#: Hands one event to paho (QoS 1) and returns its message id; may raise ValueError.
Send = Callable[[ButtonEvent], int]


class _Flight:
    """The event handed to paho and, once ``send`` returned, its message id."""

    def __init__(self, event_id: str) -> None:
        self.event_id = event_id
        self.mid: int | None = None


class EventSender:
    """Sends the events of ``outbox`` through ``send`` in order, one at a time (see the module
    docstring). Thread-safe; :meth:`add` runs on the node's loop thread, the rest on paho's.

    ``send`` is never called with a lock of this class held, so paho may call
    :meth:`acknowledged` from inside it, or from its own thread before ``send`` has returned.
    """

    def __init__(self, outbox: Outbox, send: Send) -> None:
        self.outbox = outbox
        self._send = send
        self._lock = threading.Lock()
        self._online = False
        self._hub_missing = False
        self._in_flight: _Flight | None = None
        #: Acknowledgements that came while ``send`` had not yet told the message id.
        self._early: dict[int, int] = {}

    def add(self, event: ButtonEvent) -> None:
        """Keep ``event`` in the outbox, then send it if nothing is ahead of it."""
        self.outbox.add(event)
        self._pump()

    def connected(self) -> None:
        """The link is up: send again from the oldest event (call after paho's own queue of
        unacknowledged messages was dropped, so that nothing older overtakes)."""
        with self._lock:
            self._online, self._hub_missing, self._in_flight = True, False, None
            self._early.clear()
        self._pump()

    def restart(self) -> None:
        """Forget the event in flight and send again from the oldest one, if the link is up
        (after an unexpected failure left the sender in an unknown state)."""
        with self._lock:
            self._in_flight = None
            self._early.clear()
        self._pump()

    def disconnected(self) -> None:
        """The link is down: hand nothing more to paho until :meth:`connected`."""
        with self._lock:
            self._online = False

    def hub_seen(self) -> None:
        """A hub status arrived: if the broker had no subscriber for events, try again."""
        with self._lock:
            if not self._hub_missing:
                return
            self._hub_missing = False
        log.info("the hub is back: sending the waiting button events")
        self._pump()

    def acknowledged(self, mid: int, reason: int) -> None:
        """The broker answered message ``mid`` with PUBACK ``reason`` (any message of the
        link: those that are not the event in flight are ignored)."""
        with self._lock:
            flight = self._in_flight
            if flight is None:
                return
            if flight.mid is None:
                self._early[mid] = reason
                return
            if flight.mid != mid:
                return
            self._in_flight = None
            self._settle(flight.event_id, reason)
        self._pump()

    def _pump(self) -> None:
        while self._send_next():
            pass

    def _send_next(self) -> bool:
        """Hand the oldest event to paho if the link is free; True if its acknowledgement
        already came (so the next one may go)."""
        with self._lock:
            if not self._online or self._hub_missing or self._in_flight is not None:
                return False
            event = self.outbox.first()
            if event is None:
                return False
            flight = self._in_flight = _Flight(event.event_id)
        try:
            mid = self._send(event)
        except ValueError:  # paho refuses the message itself: it can never be sent
            log.exception("cannot hand button event %s to paho: dropped", event.event_id)
            with self._lock:
                if self._in_flight is flight:
                    self._in_flight = None
            self.outbox.remove(event.event_id)
            return True
        with self._lock:
            if self._in_flight is not flight:  # a reconnect started over meanwhile
                return False
            reason = self._early.pop(mid, None)
            self._early.clear()
            if reason is None:
                flight.mid = mid
                return False
            self._in_flight = None
            self._settle(flight.event_id, reason)
            return True

    def _settle(self, event_id: str, reason: int) -> None:
        """Act on the acknowledgement of the event in flight (with the lock held)."""
        if reason == NO_MATCHING_SUBSCRIBERS:
            log.warning("the broker has no subscriber for button events (the hub is away): "
                        "event %s waits for the hub", event_id)  # fmt: skip
            self._hub_missing = True
        elif reason >= FIRST_FAILURE:
            log.error("the broker refused button event %s (reason code %d): dropped",
                      event_id, reason)  # fmt: skip
            self.outbox.remove(event_id)
        else:
            log.debug("the broker took button event %s", event_id)
            self.outbox.remove(event_id)
