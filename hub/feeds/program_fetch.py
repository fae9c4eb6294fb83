"""Reading a programme file from a path or an http(s) URL, with a timeout and a size cap.

Only ``http`` and ``https`` are fetched (redirects too, to http(s) only); anything else with
``://`` is refused, anything without is a local path. Errors are
:class:`~hub.errors.InvalidError` naming the source and what went wrong.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from hub.errors import InvalidError
from hub.feeds.program_format import MAX_BYTES
from shared import __version__

TIMEOUT_S = 30.0


def read_source(source: str, *, timeout_s: float = TIMEOUT_S, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes at ``source``: a URL (``http``/``https``) or a file path."""
    if "://" in source:
        return fetch(source, timeout_s=timeout_s, max_bytes=max_bytes)
    path = Path(source)
    try:
        if path.stat().st_size > max_bytes:
            raise InvalidError(f"{source}: the file is over {max_bytes} bytes")
        return path.read_bytes()
    except OSError as exc:
        raise InvalidError(f"cannot read {source}: {exc.strerror}") from None


def fetch(url: str, *, timeout_s: float = TIMEOUT_S, max_bytes: int = MAX_BYTES) -> bytes:
    """GET ``url``; at most ``max_bytes`` of body, ``timeout_s`` per network operation."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise InvalidError(f"{url}: only http:// and https:// URLs can be fetched")
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
        url, headers={"Accept": "application/json", "User-Agent": f"openspaces/{__version__}"}
    )
    try:
        with _opener().open(request, timeout=timeout_s) as answer:
            body: bytes = answer.read(max_bytes + 1)
    except urllib.error.HTTPError as exc:
        raise InvalidError(f"{url}: the server answered {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise InvalidError(f"{url}: cannot fetch: {exc.reason}") from None
    except (TimeoutError, OSError) as exc:
        raise InvalidError(f"{url}: cannot fetch: {exc}") from None
    if len(body) > max_bytes:
        raise InvalidError(f"{url}: the answer is over {max_bytes} bytes")
    return body


def _opener() -> urllib.request.OpenerDirector:
    """An opener for http(s) only: no file://, ftp:// or data: handlers, even on redirect."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPRedirectHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener
