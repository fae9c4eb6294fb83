"""Whether the hub's broker link works, as ``/healthz``, the fleet page and ``/metrics`` say.

:class:`BrokerHealth` is told about the link's life by :class:`hub.mqtt.link.MqttLink` (paho's
thread and publishing threads) and read by request threads; it is thread-safe and never calls
paho. The link is in trouble (:meth:`BrokerHealth.problems` not empty) while any of these hold:

``disconnected``
    not connected for longer than one heartbeat (``heartbeat_s``), including never connected
    since the hub started;
``flapping``
    :data:`FLAP_DISCONNECTS` or more disconnects within the last :data:`FLAP_WINDOW_BEATS`
    heartbeats (the broker dropping the hub about once a second never stays down a heartbeat);
``rejected``
    the broker answered a publish with a PUBACK reason code of 0x80 or more (e.g. 0x87 "Not
    authorized", 0x97 "Quota exceeded"); it clears when a later publish on that topic is
    acknowledged;
``unacknowledged``
    a QoS 1 publish has waited longer than ``ack_timeout_s`` for its PUBACK (a frozen broker,
    a stuck network): clears when the acknowledgements arrive.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

ProblemKind = Literal["disconnected", "flapping", "rejected", "unacknowledged"]
#: This many disconnects within :data:`FLAP_WINDOW_BEATS` heartbeats is ``flapping``.
FLAP_DISCONNECTS = 3
FLAP_WINDOW_BEATS = 6
#: PUBACKs kept for packet ids not yet noted as sent (a bound, not a working size).
MAX_EARLY_ACKS = 1000


@dataclass(frozen=True)
class BrokerProblem:
    """One reason the broker link is unhealthy, with a sentence for people."""

    kind: ProblemKind
    detail: str


class BrokerHealth:
    """The link's troubles; see the module docstring. ``monotonic`` is the clock (seconds)."""

    def __init__(
        self, monotonic: Callable[[], float], *, heartbeat_s: float, ack_timeout_s: float
    ) -> None:
        self._monotonic = monotonic
        self.heartbeat_s = heartbeat_s
        self.ack_timeout_s = ack_timeout_s
        self._lock = threading.Lock()
        self._down_since: float | None = monotonic()
        self._disconnects: deque[float] = deque(maxlen=FLAP_DISCONNECTS)
        self._pending: dict[int, tuple[str, float]] = {}
        self._early_acks: dict[int, tuple[bool, str]] = {}
        self._rejected: dict[str, str] = {}
        self.rejected_total = 0
        self.disconnects_total = 0

    def connected(self) -> None:
        with self._lock:
            self._down_since = None

    def disconnected(self) -> None:
        with self._lock:
            now = self._monotonic()
            if self._down_since is None:
                self._down_since = now
            self._disconnects.append(now)
            self.disconnects_total += 1

    def sent(self, mid: int, topic: str) -> None:
        """A QoS 1 publish with packet id ``mid`` went to the connection."""
        with self._lock:
            early = self._early_acks.pop(mid, None)
            if early is None:
                self._pending[mid] = (topic, self._monotonic())
            else:
                self._settle(topic, *early)

    def acknowledged(self, mid: int, failed: bool, reason: str) -> None:
        """The broker's PUBACK for ``mid`` (``failed``: reason code 0x80 or more)."""
        with self._lock:
            found = self._pending.pop(mid, None)
            if found is None:  # the PUBACK beat :meth:`sent` (another thread)
                if len(self._early_acks) >= MAX_EARLY_ACKS:
                    self._early_acks.clear()
                self._early_acks[mid] = (failed, reason)
                return
            self._settle(found[0], failed, reason)

    def _settle(self, topic: str, failed: bool, reason: str) -> None:
        if failed:
            self._rejected[topic] = reason
            self.rejected_total += 1
        else:
            self._rejected.pop(topic, None)

    def problems(self) -> list[BrokerProblem]:
        """What is wrong now; empty when the link is healthy."""
        with self._lock:
            now = self._monotonic()
            found = []
            if self._down_since is not None and now - self._down_since > self.heartbeat_s:
                found.append(BrokerProblem("disconnected", f"not connected to the broker for "
                                           f"{now - self._down_since:.0f} s"))  # fmt: skip
            window = FLAP_WINDOW_BEATS * self.heartbeat_s
            recent = [t for t in self._disconnects if now - t <= window]
            if len(recent) >= FLAP_DISCONNECTS:
                found.append(BrokerProblem("flapping", f"the broker dropped the connection "
                                           f"{len(recent)} times in {window:.0f} s"))  # fmt: skip
            for topic, reason in sorted(self._rejected.items()):
                found.append(BrokerProblem("rejected", f"the broker rejected {topic}: {reason}"))
            late = [topic for topic, at in self._pending.values() if now - at > self.ack_timeout_s]
            if late:
                found.append(BrokerProblem("unacknowledged", f"{len(late)} messages not "
                             f"acknowledged within {self.ack_timeout_s:g} s (first: "
                             f"{sorted(late)[0]})"))  # fmt: skip
            return found

    def unacknowledged(self) -> int:
        """QoS 1 publishes still waiting for their PUBACK."""
        with self._lock:
            return len(self._pending)
