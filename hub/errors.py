"""The exceptions of the hub package.

    OpenSpacesError                 (shared.errors)
    └── HubError                    something the hub refuses, with a message for a person
        ├── NotFoundError           no such room, slot, session, node or token (also LookupError)
        ├── ConflictError           the change clashes with the schedule: slot taken, blocked
        └── InvalidError            the request is well-formed but makes no sense (ValueError)
    NestedTransactionError          a unit of work opened inside another (a bug; RuntimeError)

The HTTP layer maps them to 404, 409 and 422; the MQTT worker logs them.
"""

from __future__ import annotations

from shared.errors import OpenSpacesError


class HubError(OpenSpacesError):
    """Base of the errors the hub raises on purpose; ``str(error)`` is the message for people."""


class NotFoundError(HubError, LookupError):
    """A room, slot, session, node or token that does not exist."""


class ConflictError(HubError):
    """A change that clashes with the schedule (slot taken, slot blocked)."""


class InvalidError(HubError, ValueError):
    """A request that names real things but asks for something impossible."""


class NestedTransactionError(OpenSpacesError, RuntimeError):
    """A thread opened a database unit of work inside another one (:mod:`hub.storage.db`)."""
