"""The web dashboard (web/, docs/dashboard.md): the bundle that scripts/build-web.sh builds into
navm/runtime/service/static/, served at / (index.html) and /assets/ (its hashed files). Every request
looks at the folder afresh, so a bundle built while the server runs is served at once; without one
the answer is 503 problem+json saying how to build it. The pages need no key to load: they ask for
one and send it with each /v1 request."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse

from navm.runtime.service.problems import problem_response

STATIC = Path(__file__).resolve().parent / "static"
NOT_BUILT = "the dashboard is not built: run scripts/build-web.sh"
# a hashed file never changes; index.html names the current ones, so it is always revalidated
IMMUTABLE = "public, max-age=31536000, immutable"
NO_CACHE = "no-cache"
TYPES = {".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".json": "application/json",
         ".map": "application/json", ".woff2": "font/woff2", ".png": "image/png", ".ico": "image/x-icon"}
SECURITY = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


def _not_built(request: Request) -> JSONResponse:
    return problem_response(503, "dashboard-not-built", NOT_BUILT, request.url.path)


def _file(path: Path, cache: str) -> FileResponse:
    media = TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return FileResponse(path, media_type=media, headers={"Cache-Control": cache, **SECURITY})


def mount_dashboard(app: FastAPI, static: Path | None = None) -> None:
    """Serves the dashboard's bundle from `static` (navm/runtime/service/static/) at / and /assets/."""
    root = Path(static) if static is not None else STATIC

    async def index(request: Request):
        page = root / "index.html"
        if not page.is_file():
            return _not_built(request)
        return _file(page, NO_CACHE)

    async def asset(request: Request, name: str):
        folder = root / "assets"
        if not (root / "index.html").is_file():
            return _not_built(request)
        base = folder.resolve()
        path = (folder / name).resolve()
        if base not in path.parents or not path.is_file():
            return problem_response(404, "not-found", f"no dashboard file {name!r}", request.url.path)
        return _file(path, IMMUTABLE)

    for path, endpoint in (("/", index), ("/index.html", index), ("/assets/{name:path}", asset)):
        app.add_api_route(path, endpoint, methods=["GET", "HEAD"], include_in_schema=False,
                          name=f"dashboard_{endpoint.__name__}")
