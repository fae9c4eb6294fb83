"""A door node's settings: a TOML file, overridden by ``OPENSPACES_NODE_*`` variables.

:func:`load_node_config` reads the file named by ``openspaces node --config FILE`` and the
environment it is handed, and returns a validated :class:`NodeSettings`. Anything wrong fails at
start with :class:`~shared.errors.ConfigError` naming the file (or variable), the dotted key and
what is wrong. ``deploy/node.example.toml`` documents every setting.

Environment variables name a key in upper case after ``OPENSPACES_NODE_``; keys of the
``[broker]`` table take ``BROKER_`` in front: ``OPENSPACES_NODE_ROOM_ID=room-a``,
``OPENSPACES_NODE_BROKER_PASSWORD=...``. Relative paths in the file are relative to the file's
folder. The loader is the hub's too (:mod:`shared.settings`); constructing
:class:`NodeSettings` in code reads neither file nor environment.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import SettingsConfigDict

from shared.errors import ConfigError
from shared.render.panels import PANELS, Panel
from shared.settings import FileSettings, config_error, load_file_settings
from shared.topics import DEFAULT_PREFIX, Topics, check_id
from signage_node.clock_trust import SYNC_FLAG

ENV_PREFIX = "OPENSPACES_NODE_"
DEFAULT_PANEL = "impression-7.3-spectra6"
#: ``panel = "auto"``: the board's EEPROM names the panel at start (``inky.auto()``).
AUTO_PANEL = "auto"
#: Seconds allowed for a panel helper to start before its refresh begins, part of the refresh
#: lead (:mod:`signage_node.panel_helper`): one takes 0.8 s from start to answer on a 2-core
#: x86; 5 s is an allowance for a Pi Zero 2 W, not yet measured on one.
HELPER_START_S = 5.0

#: BCM pins a door node never gives to the button or the LED: the HAT EEPROM (0, 1), I2C
#: (2, 3, inky's EEPROM), SPI0 (7-11) and the Inky reset, busy and data/command lines.
RESERVED_PINS = frozenset({0, 1, 2, 3, 7, 8, 9, 10, 11, 17, 22, 27})
#: Extra pins taken by particular inky drivers: the 13.3" Spectra has two chip selects.
DRIVER_PINS = {"inky.inky_el133uf1:Inky": frozenset({16, 26})}
HIGHEST_BCM_PIN = 27
#: The Impression boards' built-in buttons, by the letter printed beside them.
IMPRESSION_BUTTONS = {"A": 5, "B": 6, "C": 16, "D": 24}
#: Boards whose buttons differ: the 13.3" uses GPIO 16 as a chip select, and button C is on 25.
DRIVER_BUTTONS = {"inky.inky_el133uf1:Inky": {**IMPRESSION_BUTTONS, "C": 25}}


class BrokerSettings(BaseModel):
    """How the node reaches Mosquitto. ``username`` defaults to the node id."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = Field(default="localhost", min_length=1)
    port: int = Field(default=1883, ge=1, le=65535)
    username: str | None = None
    password: str | None = Field(default=None, repr=False)
    password_file: Path | None = None
    keepalive_s: int = Field(default=15, ge=5, le=3600)
    tls: bool = False


class NodeSettings(FileSettings):
    """Everything a door node is told at start. Immutable once loaded.

    ``room_id`` may be left out: the hub's retained ``nodes/{node_id}/config`` assigns (or
    overrides) the room. Pins are BCM numbers: the button wired between its pin and ground
    (internal pull-up), the LED from its pin through a resistor to ground; ``button_pin`` also
    takes "A"-"D", the Impression boards' own buttons.

    ``panel`` is a panel id or ``"auto"`` (with ``display = "inky"``: the board's EEPROM names
    it; :meth:`with_panel` then gives the settings with the id, before the node starts).
    ``refresh_lead_s`` and ``min_refresh_interval_s`` (None: derived, see
    :attr:`refresh_lead` and :attr:`min_refresh_interval`) tune the refresh policy:
    :func:`shared.doortime.door_time` and :mod:`signage_node.refresh`.

    ``clock_sync_flag`` is the file whose presence says the system clock was synchronised this
    boot (timesyncd's); None (``""`` in the file) trusts the system clock as it is. See
    :mod:`signage_node.clock_trust`.
    """

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX)

    node_id: str
    room_id: str | None = None
    broker: BrokerSettings = BrokerSettings()
    topic_prefix: str = DEFAULT_PREFIX
    panel: str = DEFAULT_PANEL
    display: Literal["png", "inky"] = "png"
    png_path: Path | None = None
    state_dir: Path = Path("/var/lib/openspaces-node")
    button_pin: int = 5
    led_pin: int = 13
    hold_s: float = Field(default=3.0, gt=0, le=60)
    debounce_s: float = Field(default=0.05, ge=0, le=2)
    offline_after_beats: int = Field(default=3, ge=1, le=100)
    refresh_lead_s: float | None = Field(default=None, ge=0, le=600)
    min_refresh_interval_s: float | None = Field(default=None, ge=0, le=3600)
    clock_sync_flag: Path | None = SYNC_FLAG

    @field_validator("clock_sync_flag", mode="before")
    @classmethod
    def _no_flag(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("node_id", "room_id")
    @classmethod
    def _topic_safe(cls, value: str | None) -> str | None:
        return None if value is None else check_id(value)

    @field_validator("topic_prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        return Topics(value).prefix

    @field_validator("panel")
    @classmethod
    def _known_panel(cls, value: str) -> str:
        if value not in PANELS and value != AUTO_PANEL:
            raise ValueError(f"unknown panel {value!r}; known panels: {', '.join(sorted(PANELS))}")
        return value

    @model_validator(mode="before")
    @classmethod
    def _button_letter(cls, data: Any) -> Any:
        """A button letter becomes the pin of that button on this panel's board."""
        value = data.get("button_pin") if isinstance(data, dict) else None
        if not (isinstance(value, str) and value.strip().isalpha()):
            return data
        letter = value.strip().upper()
        if letter not in IMPRESSION_BUTTONS:
            raise ValueError(f"button_pin: button {value!r}: the Impression boards' buttons "
                             "are A-D")  # fmt: skip
        panel = PANELS.get(str(data.get("panel", DEFAULT_PANEL)))
        buttons = DRIVER_BUTTONS.get(panel.driver if panel else "", IMPRESSION_BUTTONS)
        return {**data, "button_pin": buttons[letter]}

    @field_validator("button_pin", "led_pin")
    @classmethod
    def _bcm_pin(cls, value: int) -> int:
        if not 0 <= value <= HIGHEST_BCM_PIN:
            raise ValueError(f"BCM pin {value} does not exist (0-{HIGHEST_BCM_PIN})")
        if value in RESERVED_PINS:
            raise ValueError(f"BCM pin {value} is used by the Inky board (SPI, I2C or control)")
        return value

    @model_validator(mode="after")
    def _pins_free(self) -> NodeSettings:
        if self.panel == AUTO_PANEL and self.display != "inky":
            raise ValueError('panel: "auto" reads the Inky board\'s EEPROM: it needs '
                             'display = "inky"')  # fmt: skip
        driver = PANELS[self.panel].driver if self.panel in PANELS else None
        taken = DRIVER_PINS.get(driver or "", frozenset())
        for key, pin in (("button_pin", self.button_pin), ("led_pin", self.led_pin)):
            if pin in taken:
                raise ValueError(f"{key}: BCM pin {pin} is used by panel {self.panel}")
        if self.button_pin == self.led_pin:
            raise ValueError("led_pin: the button and the LED cannot share a pin")
        return self

    @property
    def panel_spec(self) -> Panel:
        """The panel's catalogue entry; raise :class:`ConfigError` while it is still "auto"."""
        if self.panel == AUTO_PANEL:
            raise ConfigError("panel", AUTO_PANEL, "not detected yet (see with_panel)")
        return PANELS[self.panel]

    def with_panel(self, panel: Panel, source: str) -> NodeSettings:
        """These settings for the detected ``panel``, checked again (its pins may clash with
        the button's or the LED's); raise :class:`ConfigError` naming ``source`` if so."""
        try:
            return NodeSettings.model_validate({**self.model_dump(), "panel": panel.id})
        except ValidationError as exc:
            raise config_error(exc, NodeSettings, source, {}) from None

    @property
    def refresh_lead(self) -> float:
        """Seconds before a slot boundary that the door's refresh starts: ``refresh_lead_s``,
        else the panel's refresh time plus a helper's start on the inky display, and 0 for the
        PNG file (instant)."""
        if self.refresh_lead_s is not None:
            return self.refresh_lead_s
        return self.panel_spec.refresh_s + HELPER_START_S if self.display == "inky" else 0.0

    @property
    def min_refresh_interval(self) -> float:
        """Least seconds from one refresh's start to the next: ``min_refresh_interval_s``,
        else twice the panel's refresh time on the inky display (the glass rests at least as
        long as it works) and 0 for the PNG file, which has no glass to wear."""
        if self.min_refresh_interval_s is not None:
            return self.min_refresh_interval_s
        return 2 * self.panel_spec.refresh_s if self.display == "inky" else 0.0

    @property
    def stop_wait(self) -> float:
        """Seconds the node waits, when it stops, for a refresh in progress to end: with the
        inky display the panel's refresh time plus a helper's start plus 10 s; else 30."""
        if self.display != "inky":
            return 30.0
        return self.panel_spec.refresh_s + HELPER_START_S + 10.0

    @property
    def topics(self) -> Topics:
        return Topics(self.topic_prefix)

    @property
    def broker_username(self) -> str:
        return self.broker.username or self.node_id

    @property
    def frame_path(self) -> Path:
        """Where the PNG display writes frames: ``png_path``, or ``state_dir/frame.png``."""
        return self.png_path or self.state_dir / "frame.png"


def load_node_config(path: Path, environ: Mapping[str, str]) -> NodeSettings:
    """Settings from the TOML file at ``path`` with ``OPENSPACES_NODE_*`` overrides.

    Raises :class:`ConfigError` (source = file or variable, key = dotted key) for an unreadable
    file, invalid TOML (with its line), an unknown key or variable, a wrong type or value, an
    unknown panel, a bad pin, or an unreadable ``broker.password_file``.
    """
    settings = load_file_settings(NodeSettings, path, environ)
    return _with_password(settings, str(path))


def _with_password(settings: NodeSettings, source: str) -> NodeSettings:
    file = settings.broker.password_file
    if file is None:
        return settings
    if settings.broker.password is not None:
        raise ConfigError(
            source, "broker.password_file", "give password or password_file, not both"
        )
    try:
        password = file.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(source, "broker.password_file", f"cannot read {file}: {exc}") from None
    if not password:
        raise ConfigError(source, "broker.password_file", f"{file} is empty")
    broker = settings.broker.model_copy(update={"password": password})
    return settings.model_copy(update={"broker": broker})
