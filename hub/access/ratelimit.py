"""Per-client rate limiting for public writes (new cards, ideas): a token bucket per address.

Each client address gets a bucket of ``burst`` tokens that refills at ``per_hour`` tokens an
hour; a write takes one token and is refused when the bucket is empty. Buckets live in memory
(one hub process); the least recently used are forgotten beyond ``max_clients``. Thread-safe.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from shared.clock import Clock


class TokenBucketLimiter:
    """An :class:`~hub.api.deps.AddCardLimiter`: ``allow(client)`` takes a token if there is one.

    >>> from shared.clock import FakeClock
    >>> from datetime import UTC, datetime
    >>> limiter = TokenBucketLimiter(FakeClock(datetime(2027, 5, 15, tzinfo=UTC)), burst=2,
    ...                              per_hour=60)
    >>> [limiter.allow("10.0.0.1") for _ in range(3)]
    [True, True, False]
    """

    def __init__(
        self, clock: Clock, *, burst: int, per_hour: float, max_clients: int = 10_000
    ) -> None:
        if burst < 1 or per_hour <= 0:
            raise ValueError("burst must be at least 1 and per_hour positive")
        self._clock = clock
        self._burst = float(burst)
        self._per_second = per_hour / 3600.0
        self._max_clients = max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        now = self._clock.monotonic()
        with self._lock:
            tokens, since = self._buckets.pop(client, (self._burst, now))
            tokens = min(self._burst, tokens + (now - since) * self._per_second)
            allowed = tokens >= 1.0
            self._buckets[client] = (tokens - 1.0 if allowed else tokens, now)
            while len(self._buckets) > self._max_clients:
                self._buckets.popitem(last=False)
        return allowed
