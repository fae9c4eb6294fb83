"""How the hub's app is served: uvicorn's options from the settings, and a clean access log.

:func:`uvicorn_config` is the one place that turns :class:`~hub.settings.HubSettings` into a
``uvicorn.Config`` (``openspaces hub`` and the demo both use it). Proxy headers
(``X-Forwarded-For``, ``X-Forwarded-Proto``) are believed only from ``trusted_proxies``; with
none (the default) uvicorn ignores them, so ``request.client`` — what the rate limiters and
the login throttle count — is the address that really connected.

:class:`SecretRedactor` is a logging filter for uvicorn's access log: the value of any query
parameter whose name ends in ``token`` (the edit link's ``?token=``) is written as
``[redacted]``, so no log line carries a secret. :func:`uvicorn_config` installs it.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import uvicorn

from hub.settings import HubSettings

ACCESS_LOGGER = "uvicorn.access"
REDACTED = "[redacted]"
_SECRET_PARAM = re.compile(r"([?&][A-Za-z_]*token=)[^&#\s]*", re.IGNORECASE)


def redact(text: str) -> str:
    """``/sessions/1/edit?token=abc&x=1`` → ``/sessions/1/edit?token=[redacted]&x=1``."""
    return _SECRET_PARAM.sub(lambda match: match.group(1) + REDACTED, text)


class SecretRedactor(logging.Filter):
    """Blanks secret query parameters in access-log records (their arguments and message)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def install_redactor(logger: logging.Logger | None = None) -> None:
    """Add one :class:`SecretRedactor` to ``logger`` (uvicorn's access log); idempotent."""
    target = logger or logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, SecretRedactor) for f in target.filters):
        target.addFilter(SecretRedactor())


def uvicorn_config(app: Any, settings: HubSettings, **options: Any) -> uvicorn.Config:
    """A ``uvicorn.Config`` for ``app`` on ``listen_host:listen_port`` (``options`` win)."""
    install_redactor()
    trusted = list(settings.trusted_proxies)
    chosen: dict[str, Any] = {
        "host": settings.listen_host, "port": settings.listen_port,
        "proxy_headers": bool(trusted), "forwarded_allow_ips": trusted or "",
    }  # fmt: skip
    chosen.update(options)
    return uvicorn.Config(app, **chosen)
