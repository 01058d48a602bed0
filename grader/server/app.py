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
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import logging
import math
import re
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from anyio import to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from grader.model import RunResult, StudentResult
from grader.roster import STUDENT_ID
from grader.server import db, gradebooks
from grader.server.access import COOKIE, Access, ApiError, Sessions
from grader.server.limits import MAX_BODY, BodyLimit
from grader.server.store import Cooldown, Store, UnknownStudent
from grader.server.worker import GradingService

HERE = Path(__file__).parent
ATTEMPT_ID = re.compile(r"[0-9]{1,19}")  # ASCII digits ('²'.isdigit() too), within a 64-bit integer
access_log = logging.getLogger("grader.server.access")
log = logging.getLogger("grader.server")

REPORT_TYPES = {"json": "application/json", "csv": "text/csv", "canvas": "text/csv", "moodle": "text/csv",
                "junit": "application/xml", "markdown": "text/markdown", "html": "text/html",
                "table": "text/plain", "gradescope": "application/zip"}
EXTENSIONS = {"json": "json", "csv": "csv", "canvas": "canvas.csv", "moodle": "moodle.csv", "junit": "xml",
              "markdown": "md", "html": "html", "table": "txt", "gradescope": "zip"}


@dataclass
class ClassSettings:
    """What one server instance serves: the class, its rules, and how it is reached."""

    assessment: Any  # grader.rubric.Assessment
    token: str
    cooldown: float = 60.0
    deadline: dt.datetime | None = None  # UTC, no zone (as stored)
    pass_mark: float = 70.0
    check_timeout: float = 120.0  # a check's request waits this long for its grading, then answers 202
    every: float | None = None  # seconds between scheduled rounds (shown to the instructor)
    session_hours: float = 12.0  # an instructor's session cookie ends this long after the login


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(data, status_code=status, headers=headers)


def create_app(store: Store, service: GradingService, settings: ClassSettings, lti: Any = None) -> FastAPI:
    import jinja2

    secret = store.meta("secret")
    started_at = store.meta("started_at")
    assessment = settings.assessment
    tasks = [{"number": t.number, "title": t.title, "max_score": t.points} for t in assessment.tasks]
    sessions = Sessions(store, secret, settings.token, lifetime=settings.session_hours * 3600)
    access = Access(settings.token, secret, sessions)
    who, require_instructor = access.who, access.require_instructor
    pages = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True)

    app = FastAPI(title="AWS assessment grader — class server", docs_url=None, redoc_url=None, openapi_url=None)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_middleware(BodyLimit, limit=MAX_BODY)  # inside the headers and the access log below

    # --- errors, headers, access log ------------------------------------------------------------

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        headers = {"Retry-After": str(exc.extra["retry_after"])} if "retry_after" in exc.extra else None
        if request.url.path.startswith(("/s/", "/instructor")) and "text/html" in request.headers.get("accept", ""):
            response = page("error.html", {"status": exc.status, "message": exc.message}, exc.status)
            response.headers.update(headers or {})
            return response
        return _json({"error": exc.message, **exc.extra}, exc.status, headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = {404: "not found", 405: "method not allowed"}.get(exc.status_code, str(exc.detail))
        return _json({"error": message}, exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        return _json({"error": "invalid request"}, 400)

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        log.error("%s %s failed: %s", request.method, request.url.path, type(exc).__name__, exc_info=exc)
        return _json({"error": "internal error"}, 500)

    @app.middleware("http")
    async def headers_and_log(request: Request, call_next: Any) -> Response:
        started = time.monotonic()
        try:
            response = await call_next(request)
        except Exception as exc:  # what the handlers above did not catch still answers JSON
            log.error("%s %s failed: %s", request.method, request.url.path, type(exc).__name__, exc_info=exc)
            response = _json({"error": "internal error"}, 500)
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

    def page(name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
        context = {"title": assessment.title, "assessment": assessment.name, **context}
        return HTMLResponse(pages.get_template(name).render(**context), status_code=status)

    def signed_in(response: Response, request: Request) -> Response:
        response.set_cookie(COOKIE, sessions.issue(), max_age=int(sessions.lifetime), httponly=True,
                            samesite="strict", path="/", secure=request.url.scheme == "https")
        return response

    async def known(sid: str) -> Any:
        if not STUDENT_ID.match(sid):
            raise ApiError(404, "no such student in this class")
        try:
            return await to_thread.run_sync(store.student, sid)
        except UnknownStudent:
            raise ApiError(404, "no such student in this class") from None

    def late(at: dt.datetime) -> bool:
        return settings.deadline is not None and at > settings.deadline

    def attempt_out(row: Any, body: dict[str, Any]) -> dict[str, Any]:
        return {**body, "attempt_id": row.id, "graded_at": db.iso(row.graded_at), "trigger": row.trigger,
                "late": late(row.graded_at)}

    def attempt_list(sid: str) -> list[dict[str, Any]]:
        found = store.attempts(sid)
        for item in found:
            item["late"] = late(item.pop("_at"))
        return found

    # --- pages ----------------------------------------------------------------------------------

    @app.get("/healthz")
    async def healthz() -> Response:
        return _json({"ok": True})

    @app.get("/", response_class=HTMLResponse)
    async def home() -> Response:
        return page("home.html", {})

    @app.get("/s/{sid}", response_class=HTMLResponse)
    async def student_page(sid: str, request: Request) -> Response:
        who(request, sid)
        student = await known(sid)
        return page("student.html", {"sid": sid, "name": student.name or "", "cooldown": settings.cooldown})

    @app.get("/instructor", response_class=HTMLResponse)
    async def instructor_page(request: Request) -> Response:
        given = request.query_params.get("token")
        if given is not None and access.login(request, given):
            return signed_in(page("instructor.html", {"every": settings.every or 0}), request)
        if given is None and access.is_instructor(request):
            return page("instructor.html", {"every": settings.every or 0})
        status = 401
        if "application/json" in request.headers.get("accept", "") and "text/html" not in request.headers.get(
                "accept", ""):
            return _json({"error": "the instructor's token is not valid" if given else
                          "the instructor's token is needed"}, status)
        return page("login.html", {"failed": given is not None}, status)

    @app.post("/instructor/login")
    async def login(request: Request) -> Response:
        form = await request.body()  # at most MAX_BODY bytes (BodyLimit)
        from urllib.parse import parse_qs

        given = (parse_qs(form.decode("utf-8", "replace")).get("token") or [""])[0]
        if not access.login(request, given):
            return page("login.html", {"failed": True}, 401)
        return signed_in(Response(status_code=303, headers={"Location": "/instructor"}), request)

    @app.post("/instructor/logout")
    async def logout(request: Request) -> Response:
        """Ends every instructor session (on every instance sharing the database), this one's too."""
        require_instructor(request)
        await to_thread.run_sync(sessions.revoke)
        response = _json({"revoked": True})
        response.delete_cookie(COOKIE, path="/")
        return response

    # --- a student's API ------------------------------------------------------------------------

    @app.get("/api/students/{sid}")
    async def student_status(sid: str, request: Request) -> Response:
        who(request, sid)
        student = await known(sid)
        history = await to_thread.run_sync(attempt_list, sid)
        latest = None
        if history:
            found = await to_thread.run_sync(store.attempt, sid, history[0]["attempt_id"])
            if found:
                latest = attempt_out(*found)
        retry = await to_thread.run_sync(store.retry_after, sid, settings.cooldown)
        return _json({"student_id": sid, "name": student.name, "assessment": assessment.name,
                      "title": assessment.title, "max_score": assessment.max_score, "pass_mark": settings.pass_mark,
                      "cooldown": settings.cooldown, "retry_after": math.ceil(retry),
                      "deadline": db.iso(settings.deadline), "latest": latest, "attempts": history})

    @app.post("/api/students/{sid}/check")
    async def check(sid: str, request: Request) -> Response:
        trigger = who(request, sid)
        await known(sid)
        if service.failure:
            raise ApiError(503, f"grading is unavailable: {service.failure}")
        try:
            job_id = await to_thread.run_sync(store.request_check, sid, trigger, settings.cooldown)
        except Cooldown as exc:
            raise ApiError(429, f"the next check is possible in {math.ceil(exc.retry_after)} s",
                           retry_after=max(1, math.ceil(exc.retry_after))) from None
        except UnknownStudent:
            raise ApiError(404, "no such student in this class") from None
        service.wake()
        job = await service.wait(job_id, settings.check_timeout)
        if job is not None and job.state == "done":
            found = await to_thread.run_sync(store.attempt, sid, job.attempt_id)
            if found:
                return _json({**attempt_out(*found), "retry_after": math.ceil(settings.cooldown)})
        if job is not None and job.state == "failed":
            raise ApiError(502, "the grading failed; try again later", job_id=job_id)
        return _json({"job_id": job_id, "state": job.state if job else "queued",
                      "message": "still being graded: it will appear in the attempts"}, 202)

    @app.get("/api/students/{sid}/attempts")
    async def student_attempts(sid: str, request: Request) -> Response:
        who(request, sid)
        await known(sid)
        return _json({"attempts": await to_thread.run_sync(attempt_list, sid)})

    @app.get("/api/students/{sid}/attempts/{attempt_id}")
    async def student_attempt(sid: str, attempt_id: str, request: Request) -> Response:
        who(request, sid)
        await known(sid)
        wanted = int(attempt_id) if ATTEMPT_ID.fullmatch(attempt_id) else None
        found = await to_thread.run_sync(store.attempt, sid, wanted) if wanted is not None and wanted < 2**63 else None
        if not found:
            raise ApiError(404, "no such attempt")
        if request.query_params.get("format") == "table":  # exactly what the command line prints
            from grader.render import FORMATS

            result = StudentResult.from_dict(found[1], settings.pass_mark)
            run = RunResult(assessment.name, assessment.title, settings.pass_mark, (result,))
            return Response(FORMATS["table"].text(run), media_type="text/plain; charset=utf-8")
        return _json(attempt_out(*found))

    # --- the instructor's API -------------------------------------------------------------------

    @app.get("/api/class")
    async def class_view(request: Request) -> Response:
        require_instructor(request)
        raw = request.query_params.get("stalled_minutes", "30")
        try:
            stalled_minutes = float(raw)
        except ValueError:
            raise ApiError(400, "stalled_minutes must be a number of minutes") from None
        if not math.isfinite(stalled_minutes) or stalled_minutes < 0:
            raise ApiError(400, "stalled_minutes must be a number of minutes")
        view = await to_thread.run_sync(store.class_view, settings.deadline)
        queue = await to_thread.run_sync(store.queue_counts)
        next_round = await to_thread.run_sync(store.next_round) if settings.every else None
        now = db.utcnow()
        since = dt.datetime.fromisoformat(started_at.rstrip("Z"))
        out = []
        for entry in view.values():
            progress = entry["last_progress_at"] or since
            full = entry["best_score"] is not None and entry["best_score"] >= assessment.max_score
            entry["stalled"] = not full and (now - progress).total_seconds() > 60 * stalled_minutes
            for key in ("last_attempt_at", "last_progress_at"):
                entry[key] = db.iso(entry[key])
            out.append(entry)
        return _json({"assessment": assessment.name, "title": assessment.title, "max_score": assessment.max_score,
                      "pass_mark": settings.pass_mark, "tasks": tasks, "now": db.iso(now), "started_at": started_at,
                      "deadline": db.iso(settings.deadline), "cooldown": settings.cooldown,
                      "every_minutes": settings.every / 60 if settings.every else None,
                      "next_round_at": db.iso(next_round), "stalled_minutes": stalled_minutes,
                      "queue": {"queued": queue.get("queued", 0), "running": queue.get("running", 0),
                                "failed": queue.get("failed", 0)},
                      "students": out})

    @app.post("/api/class/check")
    async def check_class(request: Request) -> Response:
        require_instructor(request)
        queued = await to_thread.run_sync(store.enqueue_class, "instructor")
        service.wake()
        return _json({"queued": queued}, 202)

    @app.get("/api/class/report")
    async def report(request: Request) -> Response:
        require_instructor(request)
        fmt = request.query_params.get("format", "json")
        params = request.query_params
        which = params.get("attempt") or "best"
        if fmt not in REPORT_TYPES:
            raise ApiError(400, f"format must be one of {', '.join(REPORT_TYPES)}")
        if which not in ("best", "latest"):
            raise ApiError(400, "attempt must be best or latest")
        text = await to_thread.run_sync(render_report, fmt, which, dict(request.query_params))
        filename = f"{assessment.name}-{which}.{EXTENSIONS[fmt]}"
        media = REPORT_TYPES[fmt] + ("" if fmt == "gradescope" else "; charset=utf-8")
        return Response(text, media_type=media, headers={"Content-Disposition": f'attachment; filename="{filename}"'})

    def render_report(fmt: str, which: str, params: dict[str, str]) -> str | bytes:
        from grader.render import FORMATS
        from grader.render.gradescope import dump
        from grader.server.reports import everyone

        roster = store.students()
        chosen = store.chosen(which, settings.deadline)
        graded = tuple(dataclasses.replace(StudentResult.from_dict(chosen[s.student_id][1], settings.pass_mark),
                                           name=s.name, email=s.email, extra=s.extra)
                       for s in roster if s.student_id in chosen)
        run = RunResult(assessment.name, assessment.title, settings.pass_mark, graded)
        if fmt == "canvas":
            return gradebooks.canvas(run, roster, assessment.max_score, params.get("assignment"),
                                     params.get("assignment_id"))
        if fmt == "moodle":
            return gradebooks.moodle(run, roster, params.get("grade_item"))
        if fmt == "gradescope":
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for student in graded:
                    archive.writestr(f"{student.student_id}.json", dump(student))
            return buffer.getvalue()
        if not roster:
            return "nobody is on the roster\n" if fmt == "table" else FORMATS[fmt].text(run)
        return FORMATS[fmt].text(everyone(run, roster, assessment))  # the reports list the whole class

    if lti is not None:  # serve --lti: the LTI 1.3 endpoints (grader/server/lti/routes.py)
        from grader.server.lti.routes import router

        app.include_router(router(lti, store, page, signed_in, require_instructor, assessment.title))
    return app

