"""The pages: the home page, a student's page, the instructor's page and its login and logout."""

from __future__ import annotations

from urllib.parse import parse_qs

from anyio import to_thread
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from grader.server.access import COOKIE
from grader.server.context import Ctx, reply

router = APIRouter()


@router.get("/healthz")
async def healthz() -> Response:
    return reply({"ok": True})


@router.get("/", response_class=HTMLResponse)
async def home(ctx: Ctx) -> Response:
    return ctx.page("home.html", {})


@router.get("/s/{sid}", response_class=HTMLResponse)
async def student_page(sid: str, request: Request, ctx: Ctx) -> Response:
    ctx.access.who(request, sid)
    student = await ctx.known(sid)
    return ctx.page("student.html", {"sid": sid, "name": student.name or "", "cooldown": ctx.settings.cooldown})


def instructor(ctx: Ctx) -> HTMLResponse:
    from grader.render import downloads  # the download list: every format of the registry

    return ctx.page("instructor.html", {"every": ctx.settings.every or 0, "downloads": downloads()})


@router.get("/instructor", response_class=HTMLResponse)
async def instructor_page(request: Request, ctx: Ctx) -> Response:
    given = request.query_params.get("token")
    if given is not None and ctx.access.login(request, given):
        return ctx.signed_in(instructor(ctx), request)
    if given is None and ctx.access.is_instructor(request):
        return instructor(ctx)
    status = 401
    if "application/json" in request.headers.get("accept", "") and "text/html" not in request.headers.get(
            "accept", ""):
        return reply({"error": "the instructor's token is not valid" if given else
                      "the instructor's token is needed"}, status)
    return ctx.page("login.html", {"failed": given is not None}, status)


@router.post("/instructor/login")
async def login(request: Request, ctx: Ctx) -> Response:
    form = await request.body()  # at most MAX_BODY bytes (BodyLimit)
    given = (parse_qs(form.decode("utf-8", "replace")).get("token") or [""])[0]
    if not ctx.access.login(request, given):
        return ctx.page("login.html", {"failed": True}, 401)
    return ctx.signed_in(Response(status_code=303, headers={"Location": "/instructor"}), request)


@router.post("/instructor/logout")
async def logout(request: Request, ctx: Ctx) -> Response:
    """Ends every instructor session (on every instance sharing the database), this one's too."""
    ctx.access.require_instructor(request)
    await to_thread.run_sync(ctx.sessions.revoke)
    response = reply({"revoked": True})
    response.delete_cookie(COOKIE, path="/")
    return response
