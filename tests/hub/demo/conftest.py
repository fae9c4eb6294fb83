"""Shared fixtures of the demo tests: each test module starts its own ``demo`` (module scope)
with the options it needs; ``api`` is a staff HTTP client on that module's hub."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from hub.demo.runner import Demo


@pytest.fixture
def api(demo: Demo) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {demo.staff_token}"}
    with httpx.Client(base_url=demo.hub_url, headers=headers, timeout=10) as client:
        yield client
