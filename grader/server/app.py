"""The class server's web application: the student page, the instructor page and their JSON API.

Who may do what (``access.py``):

- the instructor's token (``--token``/``GRADER_TOKEN``) as ``Authorization: Bearer <token>`` (or
  ``?token=``), or the session cookie ``/instructor?token=…`` sets (HTTP-only, same-site strict, ending
  after 12 hours or at logout), may do everything;
- a student's private link carries ``token=<key>``, an HMAC of their ID under a secret kept in the class
  database: it opens that student's page and API (``Authorization: Bearer <key>`` or ``?token=<key>``)
  and nothing else.

Request bodies over a few KB are refused (413) without being read, and wrong credentials are counted
per client (429 past the limit): ``limits.py``.

Credentials never appear in a page (the pages read theirs from their own address), in the access log
(paths are logged without their query) or in an error. Every error is JSON ``{"error": …}`` with a 4xx or
5xx status, never a traceback.

This module assembles the application: errors, headers and the access log here; the routes in
``routes/`` (``pages.py``, ``student_api.py``, ``class_api.py``), which share a
:class:`~grader.server.context.Context` (settings, store, access, pages) as a dependency.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from grader.server.access import ApiError
from grader.server.context import HERE, ClassSettings, Context, reply
from grader.server.limits import MAX_BODY, BodyLimit
from grader.server.routes import class_api, pages, student_api
from grader.server.store import Store
from grader.server.worker import GradingService

__all__ = ["ClassSettings", "create_app"]

access_log = logging.getLogger("grader.server.access")
log = logging.getLogger("grader.server")


def create_app(store: Store, service: GradingService, settings: ClassSettings, lti: Any = None) -> FastAPI:
    ctx = Context(store, service, settings)
    app = FastAPI(title="AWS assessment grader — class server", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.context = ctx
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_middleware(BodyLimit, limit=MAX_BODY)  # inside the headers and the access log below

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        headers = {"Retry-After": str(exc.extra["retry_after"])} if "retry_after" in exc.extra else None
        if request.url.path.startswith(("/s/", "/instructor")) and "text/html" in request.headers.get("accept", ""):
            response = ctx.page("error.html", {"status": exc.status, "message": exc.message}, exc.status)
            response.headers.update(headers or {})
            return response
        return reply({"error": exc.message, **exc.extra}, exc.status, headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = {404: "not found", 405: "method not allowed"}.get(exc.status_code, str(exc.detail))
        return reply({"error": message}, exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        return reply({"error": "invalid request"}, 400)

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        log.error("%s %s failed: %s", request.method, request.url.path, type(exc).__name__, exc_info=exc)
        return reply({"error": "internal error"}, 500)

    @app.middleware("http")
    async def headers_and_log(request: Request, call_next: Any) -> Response:
        started = time.monotonic()
        try:
            response = await call_next(request)
        except Exception as exc:  # what the handlers above did not catch still answers JSON
            log.error("%s %s failed: %s", request.method, request.url.path, type(exc).__name__, exc_info=exc)
            response = reply({"error": "internal error"}, 500)
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
        # The path only: a student's link carries its credential in the query.
        access_log.info('%s "%s %s" %d %.0fms', request.client.host if request.client else "-", request.method,
                        request.url.path, response.status_code, 1000 * (time.monotonic() - started))
        return response

    for module in (pages, student_api, class_api):
        app.include_router(module.router)
    if lti is not None:  # serve --lti: the LTI 1.3 endpoints (grader/server/lti/routes.py)
        from grader.server.lti.routes import router

        app.include_router(router(lti, store, ctx.page, ctx.signed_in, ctx.access.require_instructor,
                                  settings.assessment.title))
    return app
