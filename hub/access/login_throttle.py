"""Throttling staff logins: exponential backoff per account, per address, and per both.

Failed logins are counted three ways: for the account and the address together, for the
account from anywhere, and for the address whatever the account. Each count has free
failures; past them, every further failure doubles the wait before that key may try again
(1 s, 2 s, 4 s … up to ``max_delay_s``). The pair is throttled early (a few typos), the
account and the address much later, so that:

* someone guessing one account's password from one address is slowed down at once;
* a colleague behind the same venue NAT (same address, another account) is not: the address
  alone is throttled only after many failures across accounts;
* the real owner of the account, from another address, is not: the account alone is
  throttled only after many failures from many addresses (a distributed guess).

A success clears the pair's count. Counts are forgotten ``forget_after_s`` after their last
failure. All in memory (one hub process), least recently used keys dropped beyond
``max_keys``. Thread-safe.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from shared.clock import Clock


@dataclass(frozen=True)
class Allowance:
    """Failures a kind of key may have before its backoff starts."""

    pair: int = 5
    account: int = 50
    address: int = 30


@dataclass
class _Count:
    failures: int
    last: float


class LoginThrottle:
    """``retry_after(account, address)`` says how long to wait; report outcomes after.

    >>> from shared.clock import FakeClock
    >>> from datetime import UTC, datetime
    >>> throttle = LoginThrottle(FakeClock(datetime(2027, 5, 15, tzinfo=UTC)))
    >>> for _ in range(7):
    ...     throttle.failed("alice", "10.0.0.1")
    >>> throttle.retry_after("alice", "10.0.0.1"), throttle.retry_after("bob", "10.0.0.1")
    (2.0, 0.0)
    """

    def __init__(
        self, clock: Clock, *, allowance: Allowance | None = None, base_delay_s: float = 1.0,
        max_delay_s: float = 900.0, forget_after_s: float = 3600.0, max_keys: int = 50_000,
    ) -> None:  # fmt: skip
        self._clock = clock
        self._allowance = allowance or Allowance()
        self._base = base_delay_s
        self._max = max_delay_s
        self._forget = forget_after_s
        self._max_keys = max_keys
        self._counts: OrderedDict[tuple[str, ...], _Count] = OrderedDict()
        self._lock = threading.Lock()

    def retry_after(self, account: str, address: str) -> float:
        """Seconds before a login for ``account`` from ``address`` may be tried (0: now)."""
        now = self._clock.monotonic()
        with self._lock:
            waits = [self._wait(key, free, now) for key, free in self._keys(account, address)]
        return max(waits)

    def failed(self, account: str, address: str) -> None:
        """Count a wrong password (or unknown account) for ``account`` from ``address``."""
        now = self._clock.monotonic()
        with self._lock:
            for key, _ in self._keys(account, address):
                count = self._current(key, now)
                self._counts[key] = _Count(count.failures + 1, now)
                self._counts.move_to_end(key)
            while len(self._counts) > self._max_keys:
                self._counts.popitem(last=False)

    def succeeded(self, account: str, address: str) -> None:
        """A correct password: the pair starts afresh."""
        with self._lock:
            self._counts.pop(("pair", account.casefold(), address), None)

    def _keys(self, account: str, address: str) -> list[tuple[tuple[str, ...], int]]:
        name = account.casefold()
        return [
            (("pair", name, address), self._allowance.pair),
            (("account", name), self._allowance.account),
            (("address", address), self._allowance.address),
        ]

    def _current(self, key: tuple[str, ...], now: float) -> _Count:
        count = self._counts.get(key)
        if count is None or now - count.last > self._forget:
            return _Count(0, now)
        return count

    def _wait(self, key: tuple[str, ...], free: int, now: float) -> float:
        count = self._current(key, now)
        over = count.failures - free
        if over <= 0:
            return 0.0
        delay = min(self._max, self._base * 2.0 ** min(over - 1, 60))
        return max(0.0, count.last + delay - now)
