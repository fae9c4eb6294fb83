"""Who notices when a part of the node fails: restart it, or end the process.

A door node is a handful of threads (its loop, the display worker, paho's network thread,
gpiozero's pin threads) and callbacks run on them. Each expected failure has its own handling
(a bad payload is logged and dropped, a failed refresh is retried); this module handles the
unexpected ones, so that the node never lives on with a dead thread, showing a stale door:

* a callback run through :meth:`Supervisor.call` (paho's, gpiozero's, the outbox's) never lets
  an exception out into the library that called it: the failure is logged with its traceback,
  counted, and the part's ``restart`` action (if any) runs;
* a thread started with :meth:`Supervisor.thread` that ends with an exception is started again
  (``restart=True``) or ends the node (the loop, which owns the state);
* a part that failed more than ``budget`` times within ``window_s`` seconds ends the node: a
  part that fails every time must not fail quietly for ever;
* :meth:`Supervisor.install_excepthook` (the ``openspaces node`` process) makes any other
  thread that dies of an exception end the node too.

Ending the node sets :attr:`Supervisor.failed_fatally` and calls the ``on_fatal`` listeners;
``openspaces node`` then stops and exits with status 1, and systemd starts it again
(``Restart=on-failure``). A loop that hangs rather than fails is systemd's watchdog's business
(:mod:`signage_node.watchdog`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import TypeVar

log = logging.getLogger(__name__)

#: A part may fail this many times within :data:`WINDOW_S` seconds; once more ends the node.
BUDGET = 5
WINDOW_S = 600.0

T = TypeVar("T")
Restart = Callable[[], None]
Listener = Callable[[str, str], None]


class Supervisor:
    """Counts the unexpected failures of the node's parts; see the module docstring.

    Thread-safe. ``monotonic`` is the clock of the failure window (real seconds by default).
    ``on_failure(part, error)`` listeners hear of every failure (the node reports the last one
    in its status); ``on_fatal(part, reason)`` listeners hear once that the node must end.
    Both are called on the failing thread and must not block.
    """

    def __init__(
        self,
        *,
        budget: int = BUDGET,
        window_s: float = WINDOW_S,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.budget = budget
        self.window_s = window_s
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._failures: dict[str, deque[float]] = {}
        self._on_failure: list[Listener] = []
        self._on_fatal: list[Listener] = []
        self._given_up = False
        #: Set once the node must end; :attr:`reason` says why.
        self.failed_fatally = threading.Event()
        self.reason: str | None = None

    def on_failure(self, listener: Listener) -> None:
        with self._lock:
            self._on_failure.append(listener)

    def on_fatal(self, listener: Listener) -> None:
        """Call ``listener`` once the node must end (at once if it already must)."""
        with self._lock:
            given_up = self._given_up
            if not given_up:
                self._on_fatal.append(listener)
        if given_up:
            listener("node", self.reason or "")

    def failures(self, part: str) -> int:
        """How many times ``part`` failed within the window."""
        with self._lock:
            return len(self._window(part))

    def failed(self, part: str, exc: BaseException) -> bool:
        """Log and count a failure of ``part``; True if it may go on (within its budget)."""
        log.error("%s failed: %s: %s", part, type(exc).__name__, exc, exc_info=exc)
        with self._lock:
            window = self._window(part)
            window.append(self._monotonic())
            count, listeners = len(window), list(self._on_failure)
        for listener in listeners:
            listener(part, f"{type(exc).__name__}: {exc}")
        if count > self.budget:
            self.give_up(part, f"{part} failed {count} times within {self.window_s:.0f} s")
            return False
        with self._lock:
            return not self._given_up

    def give_up(self, part: str, reason: str) -> None:
        """End the node: log, tell the listeners, then set :attr:`failed_fatally` (once)."""
        with self._lock:
            if self._given_up:
                return
            self._given_up, self.reason = True, reason
            listeners = list(self._on_fatal)
        log.critical("%s: the node gives up", reason)
        for listener in listeners:
            listener(part, reason)
        self.failed_fatally.set()

    def call(self, part: str, action: Callable[[], T], restart: Restart | None = None) -> T | None:
        """``action()``, or None if it raised: then the failure is counted and, within the
        budget, ``restart()`` runs (itself supervised). Never raises an Exception."""
        try:
            return action()
        except Exception as exc:
            if self.failed(part, exc) and restart is not None:
                log.warning("restarting %s", part)
                self.call(part, restart, restart)
            return None

    def thread(
        self,
        part: str,
        target: Callable[[], None],
        *,
        restart: Restart | None = None,
        name: str | None = None,
    ) -> threading.Thread:
        """A daemon thread (not started, called ``name``, by default after ``part``) running
        ``target`` under supervision.

        If ``target`` raises, and the part is within its budget and has a ``restart`` action,
        ``restart()`` runs and ``target`` runs again on the same thread; otherwise the node
        ends. ``target`` returning normally ends the thread quietly.
        """

        def supervised() -> None:
            while True:
                try:
                    target()
                    return
                except BaseException as exc:  # SystemExit from a driver must not end it quietly
                    if restart is None:
                        log.critical("%s failed", part, exc_info=exc)
                        self.give_up(part, f"{part} failed: {type(exc).__name__}: {exc}")
                        return
                    if not self.failed(part, exc):
                        return
                    self.call(part, restart)
                    with self._lock:
                        if self._given_up:
                            return
                    log.warning("restarted %s", part)

        return threading.Thread(target=supervised, name=name or part.replace(" ", "-"), daemon=True)

    def install_excepthook(self) -> Callable[[], None]:
        """Make every other thread of the process that dies of an exception end the node.

        Returns a function that puts the previous hook back.
        """
        previous = threading.excepthook

        def hook(args: threading.ExceptHookArgs) -> None:
            name = args.thread.name if args.thread is not None else "a thread"
            log.critical("thread %s died", name, exc_info=args.exc_value)
            self.give_up(name, f"thread {name} died: {args.exc_type.__name__}: {args.exc_value}")

        threading.excepthook = hook

        def restore() -> None:
            threading.excepthook = previous

        return restore

    def _window(self, part: str) -> deque[float]:
        """The failure times of ``part`` within the window (with the lock held)."""
        window = self._failures.setdefault(part, deque())
        horizon = self._monotonic() - self.window_s
        while window and window[0] < horizon:
            window.popleft()
        return window
