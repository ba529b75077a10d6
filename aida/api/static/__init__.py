"""The web client (staff dashboard and "Call Aida"), served by the API at the same origin.

The client is plain ES modules written in place in `aida/api/static/web/`; `web/build.mjs` only
vendors livekit-client's ESM bundle into its `vendor/` (committed: no npm step to run Aida).
`mount_web(app)` serves that folder at `/`; call it after the API routers are included (a mount
at `/` only sees requests that no earlier route matched, so `/api/...`, `/docs` and
`/openapi.json` stay the API's).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

WEB_DIR = Path(__file__).parent / "web"

# Paths the API owns: never answered with a file or the client's index, even if one existed.
RESERVED_PREFIXES = ("/api", "/docs", "/redoc", "/openapi.json")

# The client loads only its own files; it talks to the API here and to the LiveKit server the
# session response names (any ws/wss/http/https origin, since that URL is configuration).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self' blob: mediastream:",
        "connect-src 'self' ws: wss: http: https:",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "microphone=(self), camera=(), geolocation=()",
}


class WebFiles(StaticFiles):
    """StaticFiles with the client's security headers, revalidated on every load so a new build
    is picked up at once (the files are small; ETags make the check cheap)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers.update(SECURITY_HEADERS)
        response.headers.setdefault("Cache-Control", "no-cache")
        return response

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and any(
            path == p or path.startswith(p + "/") for p in RESERVED_PREFIXES
        ):
            raise HTTPException(status_code=404)
        await super().__call__(scope, receive, send)


def mount_web(app: FastAPI, directory: Path = WEB_DIR) -> None:
    """Serve the built client at `/` (index.html for `/`). Call after including the routers."""
    # Module scripts need a JavaScript MIME type; some systems' mime tables lack .mjs.
    mimetypes.add_type("text/javascript", ".mjs")
    mimetypes.add_type("text/javascript", ".js")
    app.mount("/", WebFiles(directory=directory, html=True), name="web")
