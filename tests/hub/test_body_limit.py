"""Request bodies are capped while they stream in: 413, and the hub's memory stays where it was.

The 100 MB tests run a real ``openspaces hub`` process and push the body through a raw socket,
chunk by chunk, the way an attacker would; they stop sending once the hub has answered.
"""

from __future__ import annotations

import select
import socket
from pathlib import Path

import pytest

from hub.http.body_limit import BodyLimit
from hub.settings import HubSettings
from tests.hub.conftest import Seeded, TestClient, seed, staff
from tests.hub.hub_process import HubProcess, hub_process

MB = 1024 * 1024
ATTACK_BYTES = 100 * MB
CHUNK = 64 * 1024
#: How much the hub's peak RSS may grow while it refuses a 100 MB body: a few buffers.
ALLOWED_GROWTH_KIB = 20 * 1024
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def test_a_declared_length_over_the_limit_is_refused_before_reading(client: TestClient) -> None:
    body = b"{" + b" " * (300 * 1024) + b"}"
    answer = client.post("/api/v1/sessions", content=body,
                         headers={"Content-Type": "application/json"})  # fmt: skip
    assert answer.status_code == 413
    assert "bytes at most" in answer.json()["detail"]


def test_a_chunked_body_over_the_limit_is_refused(client: TestClient, seeded: Seeded) -> None:
    def chunks() -> object:
        for _ in range(10):
            yield b" " * CHUNK

    answer = client.post("/api/v1/sessions", content=chunks(), headers={  # type: ignore[arg-type]
        "Content-Type": "application/json", **staff(seeded)})  # fmt: skip
    assert answer.status_code == 413
    assert answer.json()["detail"].startswith("the request body is larger")


def test_a_page_form_over_the_limit_gets_a_page(client: TestClient) -> None:
    answer = client.post("/add", data={"title": "x" * (300 * 1024)})
    assert answer.status_code == 413


def test_imports_have_a_larger_limit(client: TestClient, seeded: Seeded) -> None:
    """A 1 MB CSV passes the cap (and is then judged as a CSV, not refused for its size)."""
    csv = b"room_id,slot_id,title\n" + b"room-a,1,x\n" * (MB // 11)
    answer = client.post("/api/v1/import/sessions.csv?dry_run=true", content=csv,
                         headers={"Content-Type": "text/csv", **staff(seeded)})  # fmt: skip
    assert answer.status_code != 413


def test_the_limit_is_per_path() -> None:
    limit = BodyLimit(app=None, limit=1000, import_limit=5000)  # type: ignore[arg-type]
    assert limit.limit_for("/api/v1/sessions") == 1000
    assert limit.limit_for("/api/v1/import/sessions.csv") == 5000


def push(port: int, path: str, headers: dict[str, str], *, chunked: bool) -> tuple[int, int]:
    """Send up to 100 MB to ``path``; return (the hub's status code, bytes sent before it)."""
    head = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1"]
    head += [f"{k}: {v}" for k, v in {"Content-Type": "application/json", **headers}.items()]
    head.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {ATTACK_BYTES}")
    frame = (b"%x\r\n" % CHUNK + b" " * CHUNK + b"\r\n") if chunked else b" " * CHUNK
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        try:
            while sent < ATTACK_BYTES and not select.select([sock], [], [], 0)[0]:
                sock.sendall(frame)
                sent += CHUNK
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = sock.recv(4096)
    return int(answer.split(b" ", 2)[1]), sent


@pytest.fixture
def running_hub(tmp_path: Path) -> object:
    database_url = f"sqlite:///{tmp_path / 'hub.db'}"
    seeded = seed(database_url)
    with hub_process(tmp_path, database_url) as hub:
        yield hub, seeded


@pytest.mark.slow
def test_100_mb_bodies_leave_the_hubs_memory_alone(
    running_hub: tuple[HubProcess, Seeded], capsys: pytest.CaptureFixture[str]
) -> None:
    hub, seeded = running_hub
    token = {"Authorization": f"Bearer {seeded.staff_token}"}
    push(hub.port, "/api/v1/sessions", {}, chunked=True)  # warm up every code path once
    before = hub.peak_rss_kib()
    results = [
        push(hub.port, "/api/v1/sessions", {}, chunked=True),
        push(hub.port, "/api/v1/sessions", token, chunked=True),
        push(hub.port, "/api/v1/sessions", {}, chunked=False),
        push(hub.port, "/api/v1/sessions", token, chunked=False),
        push(hub.port, "/api/v1/import/sessions.csv", token, chunked=True),
        push(hub.port, "/add", FORM, chunked=True),
    ]
    growth = hub.peak_rss_kib() - before
    with capsys.disabled():
        print(f"\n100 MB bodies: {results}; peak RSS {before} KiB -> +{growth} KiB")
    assert [code for code, _ in results] == [413] * len(results)
    assert growth < ALLOWED_GROWTH_KIB
    assert hub.process.poll() is None


def test_the_default_limits(settings: HubSettings) -> None:
    assert settings.max_body_bytes == 256 * 1024
    assert settings.max_import_bytes == 16 * MB
