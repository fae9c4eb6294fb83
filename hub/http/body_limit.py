"""A cap on request bodies, enforced while they stream in (ASGI middleware).

A request whose ``Content-Length`` is over the limit is answered 413 at once, before a byte of
its body is read. A body without a length (chunked) or with a false one is counted as it
arrives: the first chunk that takes it past the limit ends the request with 413, so the hub
never holds more than the limit plus one chunk of it. The answer is JSON
``{"detail": "<a sentence>"}`` like every other refusal when refused up front, and whatever the
route makes of a 413 ``HTTPException`` when refused mid-stream (a page route shows a page).

Paths under one of ``import_prefixes`` (the staff imports) get the larger ``import_limit``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

IMPORT_PREFIXES = ("/api/v1/import/",)


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` when the body passes the limit.

    An ``HTTPException``, so that whoever was reading the body (FastAPI's body parsing, a form
    dependency) lets it through: the API answers it as JSON 413, a page route as a 413 page, and
    anything that does not handle it reaches :class:`BodyLimit`, which answers 413 itself.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(413, refusal(limit))


class BodyLimit:
    """Refuses (413) request bodies over ``limit`` bytes (``import_limit`` for imports)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        limit: int,
        import_limit: int,
        import_prefixes: Sequence[str] = IMPORT_PREFIXES,
    ) -> None:
        self.app = app
        self.limit = limit
        self.import_limit = import_limit
        self.import_prefixes = tuple(import_prefixes)

    def limit_for(self, path: str) -> int:
        """The most bytes a body sent to ``path`` may have."""
        return self.import_limit if path.startswith(self.import_prefixes) else self.limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(send, limit)
            return
        started = False
        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def noted_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, noted_send)
        except BodyTooLarge:
            log.info("refused a body over %s bytes for %s", limit, scope.get("path"))
            if not started:
                await _refuse(send, limit)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value) if len(value) <= 20 else 1 << 80
            except ValueError:
                return None
    return None


def refusal(limit: int) -> str:
    """The 413 message."""
    return f"the request body is larger than this call accepts ({limit} bytes at most)"


async def _refuse(send: Send, limit: int) -> None:
    body = json.dumps({"detail": refusal(limit)}).encode()
    await send({
        "type": "http.response.start", "status": 413,
        "headers": [(b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()), (b"connection", b"close")],
    })  # fmt: skip
    await send({"type": "http.response.body", "body": body})
