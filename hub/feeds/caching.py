"""HTTP validators for the feeds: ``ETag``, ``Last-Modified``, and ``304 Not Modified``.

The ``ETag`` is a hash of the body, so it changes exactly when the bytes change. The
``Last-Modified`` time is when this hub process first served the current body of that URL (by
the hub's clock): a body that changes gets a new time, and after a restart every feed counts as
modified at the start, which makes clients fetch once more but never miss a change. A request
with ``If-None-Match`` is answered by comparing ETags (weakly, as RFC 9110 says for GET);
``If-Modified-Since`` is used only without it. Feeds are public: they carry
``Access-Control-Allow-Origin: *`` so web apps can read them, and ``Cache-Control: no-cache``
so caches keep them but ask again each time.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from starlette.requests import Request
from starlette.responses import Response

#: How many URLs' validators are kept (least recently served dropped first).
CAPACITY = 4096
CACHE_CONTROL = "no-cache"


@dataclass(frozen=True)
class Validators:
    etag: str
    last_modified: datetime

    def headers(self) -> dict[str, str]:
        return {
            "ETag": self.etag,
            "Last-Modified": format_datetime(self.last_modified, usegmt=True),
            "Cache-Control": CACHE_CONTROL,
            "Access-Control-Allow-Origin": "*",
        }


def etag_of(body: bytes) -> str:
    """A strong ETag for ``body``: ``"<first 32 hex digits of its SHA-256>"``."""
    return f'"{hashlib.sha256(body).hexdigest()[:32]}"'


class FeedValidators:
    """Remembers, per URL key, the ETag last served and since when. Thread-safe."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self._capacity = capacity
        self._seen: OrderedDict[str, Validators] = OrderedDict()
        self._lock = threading.Lock()

    def stamp(self, key: str, body: bytes, now: datetime) -> Validators:
        """The validators for ``body`` served at ``key`` at ``now`` (aware)."""
        etag = etag_of(body)
        with self._lock:
            known = self._seen.get(key)
            if known is None or known.etag != etag:
                known = Validators(etag, now.astimezone(UTC).replace(microsecond=0))
            self._seen[key] = known
            self._seen.move_to_end(key)
            while len(self._seen) > self._capacity:
                self._seen.popitem(last=False)
        return known


def not_modified(request: Request, validators: Validators) -> bool:
    """Whether the request's conditional headers say its cached copy is current."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        wanted = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in wanted or validators.etag in wanted
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError, IndexError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return validators.last_modified <= since


def feed_response(
    request: Request,
    validators_store: FeedValidators,
    now: datetime,
    body: bytes,
    media_type: str,
    *,
    filename: str | None = None,
) -> Response:
    """200 with ``body`` and validators, or 304 when the client's copy is current."""
    validators = validators_store.stamp(request.url.path, body, now)
    headers = validators.headers()
    if not_modified(request, validators):
        return Response(status_code=304, headers=headers)
    if filename is not None:
        headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return Response(body, media_type=media_type, headers=headers)
