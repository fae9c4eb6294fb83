"""How the hub is served: proxy headers only from trusted proxies, options from the settings."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from hub.http.serving import uvicorn_config
from hub.settings import HubSettings, load_settings
from shared.errors import ConfigError
from tests.hub.conftest import seed
from tests.hub.hub_process import hub_process


def test_no_proxy_is_trusted_by_default() -> None:
    config = uvicorn_config(object(), HubSettings())
    assert config.proxy_headers is False


def test_trusted_proxies_reach_uvicorn() -> None:
    settings = HubSettings(trusted_proxies=("10.0.0.2", "192.168.0.0/24"))
    config = uvicorn_config(object(), settings)
    assert config.proxy_headers is True
    assert config.forwarded_allow_ips == ["10.0.0.2", "192.168.0.0/24"]


def test_trusted_proxies_from_file_and_environment(tmp_path: Path) -> None:
    config = tmp_path / "hub.toml"
    config.write_text('trusted_proxies = ["::1", "10.0.0.0/8"]\n')
    assert load_settings(config, {}).trusted_proxies == ("::1", "10.0.0.0/8")
    environ = {"OPENSPACES_HUB_TRUSTED_PROXIES": "127.0.0.1, 10.1.2.3"}
    assert load_settings(None, environ).trusted_proxies == ("127.0.0.1", "10.1.2.3")
    config.write_text('trusted_proxies = ["proxy.example"]\n')
    with pytest.raises(ConfigError, match="trusted_proxies"):
        load_settings(config, {})


def add_cards_with_forged_addresses(url: str, count: int) -> list[int]:
    body = {"room_id": "room-a", "slot_id": 7, "title": "x"}
    codes = []
    for n in range(count):
        forged = {"X-Forwarded-For": f"203.0.113.{n}"}
        codes.append(httpx.post(f"{url}/api/v1/sessions", json=body, headers=forged).status_code)
    return codes


@pytest.mark.parametrize(("trusted", "limited"), [([], True), (["127.0.0.1"], False)])
def test_x_forwarded_for_counts_only_from_a_trusted_proxy(
    tmp_path: Path, trusted: list[str], limited: bool
) -> None:
    """A client on the hub's own machine (127.0.0.1) forging X-Forwarded-For is still one
    client to the rate limiter, unless 127.0.0.1 is a trusted proxy."""
    database_url = f"sqlite:///{tmp_path / 'hub.db'}"
    seed(database_url)
    with hub_process(tmp_path, database_url, add_card_burst=2, trusted_proxies=trusted) as hub:
        codes = add_cards_with_forged_addresses(hub.url, 4)
    assert (429 in codes) is limited, codes
