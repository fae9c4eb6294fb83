"""The exceptions of the shared package.

OpenSpacesError            every error this project raises on purpose
├── PayloadError           an MQTT payload that is not JSON, has the wrong schema
│                          version or fails validation (also a ValueError)
├── TopicError             a topic or an id that cannot be part of our topic tree
├── ConfigError            a configuration file or variable that is missing or wrong
├── PanelError             the e-ink panel did not refresh (its driver failed, or took
│   │                      too long and was stopped); also a RuntimeError
│   └── PinsInUseError     another program (or the kernel's SPI chip select) holds the
│                          panel's GPIO lines
└── LayoutEngineError      Pillow cannot lay text out with raqm here, so frames would
                           differ from every other machine's; also a RuntimeError
"""

from __future__ import annotations


class OpenSpacesError(Exception):
    """Base of every error this project raises on purpose."""


class PayloadError(OpenSpacesError, ValueError):
    """A payload that is not JSON, has the wrong schema version, or fails validation."""


class TopicError(OpenSpacesError, ValueError):
    """A topic outside our tree, or an id that could act as an MQTT wildcard."""


class ConfigError(OpenSpacesError, ValueError):
    """A configuration file or variable that is missing or wrong.

    The message names the file (or variable) and the key, so an operator can fix it.
    """

    def __init__(self, source: str, key: str, problem: str) -> None:
        self.source = source
        self.key = key
        self.problem = problem
        super().__init__(f"{source}: {key}: {problem}")


class PanelError(OpenSpacesError, RuntimeError):
    """The e-ink panel did not refresh: its driver failed, or overran and was stopped."""


class PinsInUseError(PanelError):
    """The panel's GPIO lines are claimed by something else (gpiodevice says so by raising
    ``SystemExit``, which the panel helper turns into this)."""


class LayoutEngineError(OpenSpacesError, RuntimeError):
    """Pillow has no raqm text layout on this machine (FriBiDi missing, or a Pillow built
    without it): frames would differ from the hub's previews, and right-to-left text would
    draw unshaped. The message says what to install."""
