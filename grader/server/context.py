"""What the class server's routers share: the class's settings, the store, the grading service, who is
asking (``access.py``) and the page renderer, gathered in one :class:`Context` per application.

A route reaches it as a dependency: ``ctx: Ctx`` (``request.app.state.context``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from anyio import to_thread
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from grader.roster import STUDENT_ID
from grader.server import db
from grader.server.access import COOKIE, Access, ApiError, Sessions
from grader.server.store import Store, UnknownStudent
from grader.server.worker import GradingService

HERE = Path(__file__).parent


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


def reply(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
    """A JSON answer (every error too: ``{"error": …}``)."""
    return JSONResponse(data, status_code=status, headers=headers)


class Context:
    """One application's shared state and the helpers its routes use."""

    def __init__(self, store: Store, service: GradingService, settings: ClassSettings) -> None:
        import jinja2

        self.store, self.service, self.settings = store, service, settings
        self.assessment = settings.assessment
        self.secret = store.meta("secret")
        self.started_at = store.meta("started_at")
        self.tasks = [{"number": t.number, "title": t.title, "max_score": t.points} for t in self.assessment.tasks]
        self.sessions = Sessions(store, self.secret, settings.token, lifetime=settings.session_hours * 3600)
        self.access = Access(settings.token, self.secret, self.sessions)
        self.pages = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True)

    def page(self, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
        context = {"title": self.assessment.title, "assessment": self.assessment.name, **context}
        return HTMLResponse(self.pages.get_template(name).render(**context), status_code=status)

    def signed_in(self, response: Response, request: Request) -> Response:
        """``response`` with a new instructor session's cookie."""
        response.set_cookie(COOKIE, self.sessions.issue(), max_age=int(self.sessions.lifetime), httponly=True,
                            samesite="strict", path="/", secure=request.url.scheme == "https")
        return response

    async def known(self, sid: str) -> Any:
        """The student ``sid`` of this class, or 404."""
        if not STUDENT_ID.match(sid):
            raise ApiError(404, "no such student in this class")
        try:
            return await to_thread.run_sync(self.store.student, sid)
        except UnknownStudent:
            raise ApiError(404, "no such student in this class") from None

    def late(self, at: dt.datetime) -> bool:
        return self.settings.deadline is not None and at > self.settings.deadline

    def attempt_out(self, row: Any, body: dict[str, Any]) -> dict[str, Any]:
        return {**body, "attempt_id": row.id, "graded_at": db.iso(row.graded_at), "trigger": row.trigger,
                "late": self.late(row.graded_at)}

    def attempt_list(self, sid: str) -> list[dict[str, Any]]:
        found = self.store.attempts(sid)
        for item in found:
            item["late"] = self.late(item.pop("_at"))
        return found


def context(request: Request) -> Context:
    """The dependency every route takes: its application's :class:`Context`."""
    return request.app.state.context


Ctx = Annotated[Context, Depends(context)]
