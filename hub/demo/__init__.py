"""``openspaces demo``: the whole system on one machine, with simulated door nodes."""

from shared.errors import OpenSpacesError


class DemoError(OpenSpacesError, RuntimeError):
    """The demo could not start (a port in use, a part that did not come up)."""
