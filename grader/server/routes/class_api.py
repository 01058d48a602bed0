"""The instructor's API: the class view, a check of everyone, the reports (the instructor only)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

from anyio import to_thread
from fastapi import APIRouter, Request
from fastapi.responses import Response

from grader.model import RunResult, StudentResult
from grader.render import FORMATS, Roster
from grader.server import db
from grader.server.access import ApiError
from grader.server.context import Context, Ctx, reply

router = APIRouter()


@router.get("/api/class")
async def class_view(request: Request, ctx: Ctx) -> Response:
    ctx.access.require_instructor(request)
    raw = request.query_params.get("stalled_minutes", "30")
    try:
        stalled_minutes = float(raw)
    except ValueError:
        raise ApiError(400, "stalled_minutes must be a number of minutes") from None
    if not math.isfinite(stalled_minutes) or stalled_minutes < 0:
        raise ApiError(400, "stalled_minutes must be a number of minutes")
    store, settings, assessment = ctx.store, ctx.settings, ctx.assessment
    view = await to_thread.run_sync(store.class_view, settings.deadline)
    queue = await to_thread.run_sync(store.queue_counts)
    next_round = await to_thread.run_sync(store.next_round) if settings.every else None
    now = db.utcnow()
    since = dt.datetime.fromisoformat(ctx.started_at.rstrip("Z"))
    out = []
    for entry in view.values():
        progress = entry["last_progress_at"] or since
        full = entry["best_score"] is not None and entry["best_score"] >= assessment.max_score
        entry["stalled"] = not full and (now - progress).total_seconds() > 60 * stalled_minutes
        for key in ("last_attempt_at", "last_progress_at"):
            entry[key] = db.iso(entry[key])
        out.append(entry)
    return reply({"assessment": assessment.name, "title": assessment.title, "max_score": assessment.max_score,
                  "pass_mark": settings.pass_mark, "tasks": ctx.tasks, "now": db.iso(now),
                  "started_at": ctx.started_at, "deadline": db.iso(settings.deadline), "cooldown": settings.cooldown,
                  "every_minutes": settings.every / 60 if settings.every else None,
                  "next_round_at": db.iso(next_round), "stalled_minutes": stalled_minutes,
                  "queue": {"queued": queue.get("queued", 0), "running": queue.get("running", 0),
                            "failed": queue.get("failed", 0)},
                  "students": out})


@router.post("/api/class/check")
async def check_class(request: Request, ctx: Ctx) -> Response:
    ctx.access.require_instructor(request)
    queued = await to_thread.run_sync(ctx.store.enqueue_class, "instructor")
    ctx.service.wake()
    return reply({"queued": queued}, 202)


@router.get("/api/class/report")
async def report(request: Request, ctx: Ctx) -> Response:
    """A report of the class in any registered format (``grader.render.FORMATS``), as a download."""
    ctx.access.require_instructor(request)
    fmt = request.query_params.get("format", "json")
    params = request.query_params
    which = params.get("attempt") or "best"
    if fmt not in FORMATS:
        raise ApiError(400, f"format must be one of {', '.join(FORMATS)}")
    if which not in ("best", "latest"):
        raise ApiError(400, "attempt must be best or latest")
    renderer = FORMATS[fmt]
    body = await to_thread.run_sync(render_report, ctx, fmt, which, dict(request.query_params))
    filename = f"{ctx.assessment.name}-{which}.{renderer.extension}"
    media = renderer.media_type + ("; charset=utf-8" if isinstance(body, str) else "")
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def render_report(ctx: Context, fmt: str, which: str, params: dict[str, str]) -> str | bytes:
    from grader.server.reports import everyone

    store, settings, assessment = ctx.store, ctx.settings, ctx.assessment
    renderer = FORMATS[fmt]
    roster = store.students()
    chosen = store.chosen(which, settings.deadline)
    graded = tuple(dataclasses.replace(StudentResult.from_dict(chosen[s.student_id][1], settings.pass_mark),
                                       name=s.name, email=s.email, extra=s.extra)
                   for s in roster if s.student_id in chosen)
    run = RunResult(assessment.name, assessment.title, settings.pass_mark, graded)
    if renderer.needs_roster:  # the LMS imports: the class from its roster, the options from the query
        return renderer.download(run, Roster(tuple(roster), assessment.max_score, params))
    if not renderer.lists_everyone:
        return renderer.download(run)
    if not roster:
        return "nobody is on the roster\n" if fmt == "table" else renderer.download(run)
    return renderer.download(everyone(run, roster, assessment))  # the reports list the whole class
