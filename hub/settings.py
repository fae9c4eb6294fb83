"""The hub's settings: a TOML file, overridden by ``OPENSPACES_HUB_*`` environment variables.

Every setting is documented in ``deploy/hub.example.toml``. Environment variables name the
setting in upper case with dots turned into underscores, behind ``OPENSPACES_HUB_``::

    OPENSPACES_HUB_DATABASE_URL       database_url
    OPENSPACES_HUB_TOPIC_PREFIX       topic_prefix
    OPENSPACES_HUB_PUBLIC_URL         public_url
    OPENSPACES_HUB_HEARTBEAT_S        heartbeat_s
    OPENSPACES_HUB_LISTEN_HOST        listen_host
    OPENSPACES_HUB_LISTEN_PORT        listen_port
    OPENSPACES_HUB_ADD_CARD_BURST     add_card_burst
    OPENSPACES_HUB_ADD_CARD_PER_HOUR  add_card_per_hour
    OPENSPACES_HUB_STAFF_LOGIN_HOURS  staff_login_hours
    OPENSPACES_HUB_FLEET_ALERT_AFTER_S fleet_alert_after_s
    OPENSPACES_HUB_MAX_BODY_BYTES     max_body_bytes
    OPENSPACES_HUB_MAX_IMPORT_BYTES   max_import_bytes
    OPENSPACES_HUB_TRUSTED_PROXIES    trusted_proxies    (comma-separated)
    OPENSPACES_HUB_METRICS_TOKEN      metrics_token
    OPENSPACES_HUB_METRICS_PUBLIC     metrics_public     ("true" / "false")
    OPENSPACES_HUB_BROKER_HOST        broker.host        (any BROKER_* variable turns MQTT on)
    OPENSPACES_HUB_BROKER_PORT        broker.port
    OPENSPACES_HUB_BROKER_USERNAME    broker.username
    OPENSPACES_HUB_BROKER_PASSWORD    broker.password
    OPENSPACES_HUB_BROKER_KEEPALIVE_S broker.keepalive_s
    OPENSPACES_HUB_BROKER_TLS         broker.tls         ("true" / "false")
    OPENSPACES_HUB_BROKER_SHARE_GROUP broker.share_group (several hubs: see docs/scaling.md)

Unknown keys and variables are errors; an error names the file or the variable and the dotted
key (:mod:`shared.settings`, the loader the node shares). Constructing :class:`HubSettings` in
code reads neither file nor environment.

Without a ``[broker]`` table (and no ``BROKER_*`` variable) the hub runs without MQTT: it still
stores every snapshot and serves HTTP, which is what unit tests and previews want.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)
from pydantic_settings import NoDecode, SettingsConfigDict

from shared.settings import FileSettings, load_file_settings
from shared.topics import DEFAULT_PREFIX

ENV_PREFIX = "OPENSPACES_HUB_"


def _address_or_network(value: str) -> str:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise ValueError(f"{value!r} is not an IP address or network") from None
    return value


def _comma_separated(value: object) -> object:
    """A list setting given as one string (an environment variable): split at commas."""
    if isinstance(value, str):
        return tuple(item.strip() for item in value.split(",") if item.strip())
    return value


#: A proxy's address (``10.0.0.2``, ``::1``) or network (``10.0.0.0/8``).
ProxyAddress = Annotated[str, AfterValidator(_address_or_network)]


class BrokerSettings(BaseModel):
    """How the hub reaches Mosquitto. The hub's user must have the whole topic tree."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    host: Annotated[str, StringConstraints(min_length=1)] = "127.0.0.1"
    port: int = Field(default=1883, ge=1, le=65535)
    username: str | None = None
    password: str | None = Field(default=None, repr=False)
    keepalive_s: int = Field(default=30, ge=5, le=3600)
    tls: bool = False
    #: Set on every hub of a group sharing one database and broker (docs/scaling.md): button
    #: events then arrive through the MQTT v5 shared subscription ``$share/<group>/...``, each
    #: at one hub. A secret: a node that knew it could join the group and swallow events.
    share_group: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{16,64}$")] | None = (
        Field(default=None, repr=False)
    )


class HubSettings(FileSettings):
    """Everything the hub needs to start; validated once, at start."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX)

    database_url: Annotated[str, StringConstraints(min_length=1)] = "sqlite:///var/hub/hub.db"
    broker: BrokerSettings | None = None
    topic_prefix: str = DEFAULT_PREFIX
    public_url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] = (
        "http://127.0.0.1:8000"
    )
    heartbeat_s: float = Field(default=10.0, ge=0.01, le=3600)
    listen_host: str = "127.0.0.1"
    listen_port: int = Field(default=8000, ge=0, le=65535)
    add_card_burst: int = Field(default=10, ge=1, le=10_000)
    add_card_per_hour: float = Field(default=30.0, gt=0, le=1_000_000)
    staff_login_hours: float = Field(default=12.0, gt=0, le=24 * 30)
    #: Seconds a door may be offline or show a wrong frame before the fleet page alerts.
    fleet_alert_after_s: float = Field(default=180.0, gt=0, le=24 * 3600)
    #: Largest request body in bytes; a longer one is refused with 413 while it streams in.
    max_body_bytes: int = Field(default=256 * 1024, ge=1024, le=1024**3)
    #: Largest body for the staff imports (``/api/v1/import/...``: CSV, programme).
    max_import_bytes: int = Field(default=16 * 1024 * 1024, ge=1024, le=1024**3)
    #: Addresses (or networks, ``10.0.0.0/8``) of reverse proxies whose ``X-Forwarded-For`` and
    #: ``X-Forwarded-Proto`` are believed. Empty (the default): no proxy is trusted.
    trusted_proxies: Annotated[
        tuple[ProxyAddress, ...], NoDecode, BeforeValidator(_comma_separated)
    ] = ()
    #: Bearer token Prometheus sends for ``/metrics`` (a staff token works too).
    metrics_token: Annotated[str, StringConstraints(min_length=16)] | None = Field(
        default=None, repr=False
    )
    #: ``/metrics`` without any token (only on a network you trust).
    metrics_public: bool = False

    @property
    def base_url(self) -> str:
        """``public_url`` without a trailing slash, ready to append paths to."""
        return self.public_url.rstrip("/")


def load_settings(path: Path | None, environ: Mapping[str, str]) -> HubSettings:
    """Read ``path`` (if given), apply ``OPENSPACES_HUB_*`` variables from ``environ``, validate.

    Raises :class:`~shared.errors.ConfigError` naming the file or variable, the dotted key and
    the problem.
    """
    return load_file_settings(HubSettings, path, environ)
