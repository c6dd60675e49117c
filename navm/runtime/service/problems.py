"""Errors as RFC 9457 problem details (`application/problem+json`), each with a stable `type`
(`urn:navm:problem:<kind>`, listed in docs/service.md) that clients can branch on."""

from __future__ import annotations

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

MEDIA_TYPE = "application/problem+json"
TITLES = {
    400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
    409: "Conflict", 413: "Content too large", 415: "Unsupported media type", 422: "Unprocessable content",
    429: "Too many requests", 500: "Internal server error", 503: "Service unavailable",
}
GENERIC = {404: "not-found", 405: "method-not-allowed", 401: "unauthorized", 403: "forbidden"}


class Problem(Exception):
    def __init__(self, status: int, kind: str, detail: str, *, headers: dict | None = None, **extra):
        super().__init__(detail)
        self.status, self.kind, self.detail, self.headers, self.extra = status, kind, detail, headers or {}, extra


def problem_response(status: int, kind: str, detail: str, instance: str | None = None,
                     headers: dict | None = None, **extra) -> JSONResponse:
    body = {"type": f"urn:navm:problem:{kind}", "title": TITLES.get(status, "Error"), "status": status,
            "detail": detail}
    if instance:
        body["instance"] = instance
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


async def on_problem(request: Request, exc: Problem) -> JSONResponse:
    return problem_response(exc.status, exc.kind, exc.detail, request.url.path, exc.headers, **exc.extra)


async def on_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "header")]
        errors.append({"field": ".".join(loc) or "body", "message": err.get("msg", "invalid")})
    if any(e["message"].startswith("JSON decode error") for e in errors):
        return problem_response(422, "malformed-json", "the request body is not valid JSON", request.url.path)
    first = errors[0] if errors else {"field": "body", "message": "invalid"}
    return problem_response(422, "validation-error", f"{first['field']}: {first['message']}", request.url.path,
                            errors=errors)


async def on_http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    kind = GENERIC.get(exc.status_code, "http-error")
    return problem_response(exc.status_code, kind, str(exc.detail), request.url.path,
                            getattr(exc, "headers", None))


async def on_error(request: Request, exc: Exception) -> JSONResponse:
    import logging

    logging.getLogger("navm.service").exception("unhandled error on %s", request.url.path)
    return problem_response(500, "internal-error", "the server failed to answer; the error is in its log",
                            request.url.path)


def install(app) -> None:
    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_error)
