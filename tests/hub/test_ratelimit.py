"""The token bucket behind the add-a-card limit."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hub.access.ratelimit import TokenBucketLimiter
from shared.clock import FakeClock


def test_a_burst_then_a_steady_rate_per_client() -> None:
    clock = FakeClock(datetime(2027, 5, 15, tzinfo=UTC))
    limiter = TokenBucketLimiter(clock, burst=3, per_hour=60)
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b"), "another client has its own bucket"
    clock.advance(59)
    assert not limiter.allow("a")
    clock.advance(1)
    assert limiter.allow("a")
    clock.advance(3600)
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]


def test_old_clients_are_forgotten() -> None:
    clock = FakeClock(datetime(2027, 5, 15, tzinfo=UTC))
    limiter = TokenBucketLimiter(clock, burst=1, per_hour=1, max_clients=2)
    assert limiter.allow("a")
    assert limiter.allow("b")
    assert limiter.allow("c")
    assert limiter.allow("a"), "a was forgotten when c arrived"


def test_nonsense_settings_are_refused() -> None:
    clock = FakeClock(datetime(2027, 5, 15, tzinfo=UTC))
    with pytest.raises(ValueError, match="burst"):
        TokenBucketLimiter(clock, burst=0, per_hour=1)
