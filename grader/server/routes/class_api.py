"""The instructor's API: the class view, a check of everyone, the reports (the instructor only)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import math
import zipfile

from anyio import to_thread
from fastapi import APIRouter, Request
from fastapi.responses import Response

from grader.model import RunResult, StudentResult
from grader.server import db, gradebooks
from grader.server.access import ApiError
from grader.server.context import Context, Ctx, reply

REPORT_TYPES = {"json": "application/json", "csv": "text/csv", "canvas": "text/csv", "moodle": "text/csv",
                "junit": "application/xml", "markdown": "text/markdown", "html": "text/html",
                "table": "text/plain", "gradescope": "application/zip"}
EXTENSIONS = {"json": "json", "csv": "csv", "canvas": "canvas.csv", "moodle": "moodle.csv", "junit": "xml",
              "markdown": "md", "html": "html", "table": "txt", "gradescope": "zip"}

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
    ctx.access.require_instructor(request)
    fmt = request.query_params.get("format", "json")
    params = request.query_params
    which = params.get("attempt") or "best"
    if fmt not in REPORT_TYPES:
        raise ApiError(400, f"format must be one of {', '.join(REPORT_TYPES)}")
    if which not in ("best", "latest"):
        raise ApiError(400, "attempt must be best or latest")
    text = await to_thread.run_sync(render_report, ctx, fmt, which, dict(request.query_params))
    filename = f"{ctx.assessment.name}-{which}.{EXTENSIONS[fmt]}"
    media = REPORT_TYPES[fmt] + ("" if fmt == "gradescope" else "; charset=utf-8")
    return Response(text, media_type=media, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def render_report(ctx: Context, fmt: str, which: str, params: dict[str, str]) -> str | bytes:
    from grader.render import FORMATS
    from grader.render.gradescope import dump
    from grader.server.reports import everyone

    store, settings, assessment = ctx.store, ctx.settings, ctx.assessment
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
