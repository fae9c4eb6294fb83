"""The hub's HTTP edge: how uvicorn serves the app (proxies, a secret-free access log) and
the request-body limit."""
