"""``/healthz``."""

from __future__ import annotations

from tests.hub.conftest import TestClient


def test_healthz_without_a_broker(client: TestClient) -> None:
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {
        "status": "ok", "broker": "not configured", "event": True, "problems": [],
        "snapshots_trimmed": [],
    }  # fmt: skip
