"""A student's API: their status, a check of their account, their attempts (the student's key or the
instructor's credentials)."""

from __future__ import annotations

import math
import re

from anyio import to_thread
from fastapi import APIRouter, Request
from fastapi.responses import Response

from grader.model import RunResult, StudentResult
from grader.server import db
from grader.server.access import ApiError
from grader.server.context import Ctx, reply
from grader.server.store import Cooldown, UnknownStudent

ATTEMPT_ID = re.compile(r"[0-9]{1,19}")  # ASCII digits ('²'.isdigit() too), within a 64-bit integer

router = APIRouter()


@router.get("/api/students/{sid}")
async def student_status(sid: str, request: Request, ctx: Ctx) -> Response:
    ctx.access.who(request, sid)
    student = await ctx.known(sid)
    history = await to_thread.run_sync(ctx.attempt_list, sid)
    latest = None
    if history:
        found = await to_thread.run_sync(ctx.store.attempt, sid, history[0]["attempt_id"])
        if found:
            latest = ctx.attempt_out(*found)
    settings, assessment = ctx.settings, ctx.assessment
    retry = await to_thread.run_sync(ctx.store.retry_after, sid, settings.cooldown)
    return reply({"student_id": sid, "name": student.name, "assessment": assessment.name,
                  "title": assessment.title, "max_score": assessment.max_score, "pass_mark": settings.pass_mark,
                  "cooldown": settings.cooldown, "retry_after": math.ceil(retry),
                  "deadline": db.iso(settings.deadline), "latest": latest, "attempts": history})


@router.post("/api/students/{sid}/check")
async def check(sid: str, request: Request, ctx: Ctx) -> Response:
    trigger = ctx.access.who(request, sid)
    await ctx.known(sid)
    service, settings = ctx.service, ctx.settings
    if service.failure:
        raise ApiError(503, f"grading is unavailable: {service.failure}")
    try:
        job_id = await to_thread.run_sync(ctx.store.request_check, sid, trigger, settings.cooldown)
    except Cooldown as exc:
        raise ApiError(429, f"the next check is possible in {math.ceil(exc.retry_after)} s",
                       retry_after=max(1, math.ceil(exc.retry_after))) from None
    except UnknownStudent:
        raise ApiError(404, "no such student in this class") from None
    service.wake()
    job = await service.wait(job_id, settings.check_timeout)
    if job is not None and job.state == "done":
        found = await to_thread.run_sync(ctx.store.attempt, sid, job.attempt_id)
        if found:
            return reply({**ctx.attempt_out(*found), "retry_after": math.ceil(settings.cooldown)})
    if job is not None and job.state == "failed":
        raise ApiError(502, "the grading failed; try again later", job_id=job_id)
    return reply({"job_id": job_id, "state": job.state if job else "queued",
                  "message": "still being graded: it will appear in the attempts"}, 202)


@router.get("/api/students/{sid}/attempts")
async def student_attempts(sid: str, request: Request, ctx: Ctx) -> Response:
    ctx.access.who(request, sid)
    await ctx.known(sid)
    return reply({"attempts": await to_thread.run_sync(ctx.attempt_list, sid)})


@router.get("/api/students/{sid}/attempts/{attempt_id}")
async def student_attempt(sid: str, attempt_id: str, request: Request, ctx: Ctx) -> Response:
    ctx.access.who(request, sid)
    await ctx.known(sid)
    wanted = int(attempt_id) if ATTEMPT_ID.fullmatch(attempt_id) else None
    found = await to_thread.run_sync(ctx.store.attempt, sid, wanted) if wanted is not None and wanted < 2**63 else None
    if not found:
        raise ApiError(404, "no such attempt")
    if request.query_params.get("format") == "table":  # exactly what the command line prints
        from grader.render import FORMATS

        pass_mark = ctx.settings.pass_mark
        result = StudentResult.from_dict(found[1], pass_mark)
        run = RunResult(ctx.assessment.name, ctx.assessment.title, pass_mark, (result,))
        return Response(FORMATS["table"].text(run), media_type="text/plain; charset=utf-8")
    return reply(ctx.attempt_out(*found))
