"""Telling systemd that the node is up and its loop alive (``sd_notify``), with no library.

The unit (``deploy/systemd/openspaces-node.service``) says ``Type=notify``, ``WatchdogSec=``
and ``NotifyAccess=main``. systemd then hands the process ``NOTIFY_SOCKET`` (a Unix datagram
socket; a name starting with ``@`` is in the abstract namespace) and ``WATCHDOG_USEC`` (with
``WATCHDOG_PID``, the process it is meant for). The node sends ``READY=1`` once its loop runs,
``WATCHDOG=1`` from every pass of the loop (at most every :attr:`SystemdNotifier.min_gap_s`),
and ``STOPPING=1`` when it stops. If the loop hangs, the pings stop and systemd kills and
restarts the node after ``WatchdogSec``. The loop therefore never sleeps longer than
:attr:`SystemdNotifier.interval_s`, half the watchdog time.

Without ``NOTIFY_SOCKET`` (tests, the demo, a node run by hand) every call does nothing.
"""

from __future__ import annotations

import logging
import math
import os
import socket
import threading
import time
from collections.abc import Callable, Mapping

log = logging.getLogger(__name__)


class SystemdNotifier:
    """Sends sd_notify messages to ``address`` (None: does nothing). Any thread.

    ``watchdog_s`` is systemd's ``WatchdogSec`` (None: no watchdog); ``monotonic`` the real
    clock the pings are spaced on.
    """

    def __init__(
        self,
        address: str | None,
        watchdog_s: float | None = None,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.address = address
        self.watchdog_s = watchdog_s if address is not None else None
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._last_ping = -math.inf
        self._warned = False

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> SystemdNotifier:
        """The notifier systemd asks for in ``environ`` (a no-op one if it asks for none)."""
        address = environ.get("NOTIFY_SOCKET") or None
        return cls(address, _watchdog_s(environ))

    @property
    def interval_s(self) -> float:
        """The longest the loop may go without a ping: half the watchdog time (inf: none)."""
        return self.watchdog_s / 2 if self.watchdog_s is not None else math.inf

    @property
    def min_gap_s(self) -> float:
        """Pings closer together than this are skipped."""
        return self.watchdog_s / 8 if self.watchdog_s is not None else math.inf

    def ready(self) -> None:
        """The node is up (its loop runs)."""
        self.notify("READY=1")

    def stopping(self) -> None:
        self.notify("STOPPING=1")

    def alive(self) -> None:
        """The loop went round: ping the watchdog, unless it was pinged very recently."""
        if self.watchdog_s is None:
            return
        now = self._monotonic()
        with self._lock:
            if now - self._last_ping < self.min_gap_s:
                return
            self._last_ping = now
        self.notify("WATCHDOG=1")

    def notify(self, message: str) -> bool:
        """Send one sd_notify datagram; False if there is no socket or sending failed."""
        if self.address is None:
            return False
        target = "\0" + self.address[1:] if self.address.startswith("@") else self.address
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
                sock.connect(target)
                sock.sendall(message.encode("ascii"))
        except OSError as exc:
            with self._lock:
                warned, self._warned = self._warned, True
            if not warned:  # every ping would say the same
                log.warning("cannot notify systemd at %s: %s", self.address, exc)
            return False
        return True


def _watchdog_s(environ: Mapping[str, str]) -> float | None:
    """``WATCHDOG_USEC`` in seconds, if it is set for this process."""
    pid = environ.get("WATCHDOG_PID")
    if pid is not None and pid.strip() != str(os.getpid()):
        return None
    try:
        usec = int(environ.get("WATCHDOG_USEC", ""))
    except ValueError:
        return None
    return usec / 1_000_000 if usec > 0 else None
