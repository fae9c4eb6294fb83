"""``/docs``: the API's Swagger UI, served from the hub itself (no CDN, works offline).

Swagger UI's files come from the ``swagger-ui-py`` package and are served under
``/docs/assets``; the page is FastAPI's own Swagger UI page pointed at them. ReDoc (which
FastAPI would load from a CDN) is not offered. The OpenAPI description stays at
``/openapi.json``.
"""

from __future__ import annotations

from pathlib import Path

import swagger_ui
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse

#: Swagger UI's files as the ``swagger-ui-py`` package ships them (Swagger UI 5: OpenAPI 3.1).
SWAGGER_UI_FILES = Path(swagger_ui.__file__).resolve().parent / "static"
DOCS = "/docs"
ASSETS = "/docs/assets"
OAUTH2_REDIRECT = "/docs/oauth2-redirect"


def install(app: FastAPI) -> None:
    """Add ``/docs``, its assets and its OAuth2 redirect page to ``app`` (built with
    ``docs_url=None, redoc_url=None``)."""
    app.mount(ASSETS, StaticFiles(directory=SWAGGER_UI_FILES), name="swagger-ui")

    @app.get(DOCS, include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} · API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
            oauth2_redirect_url=OAUTH2_REDIRECT,
        )

    @app.get(OAUTH2_REDIRECT, include_in_schema=False)
    def oauth2_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()
