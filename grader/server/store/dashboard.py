"""The instructor's view of the class: per student, their attempts, scores, tasks and progress."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from grader.server import db
from grader.server.db import ACTIVE, attempts, jobs, result_tasks, students
from grader.server.store.attempts import Attempts


class Dashboard(Attempts):
    def class_view(self, deadline: dt.datetime | None) -> dict[str, dict[str, Any]]:
        """Per active student: attempts, best and latest score (up to the deadline), their latest tasks'
        status, the first time each task had full marks, and when their best score was first reached."""
        counted = sa.true() if deadline is None else attempts.c.graded_at <= deadline
        view: dict[str, dict[str, Any]] = {}
        with self.read() as c:
            for s in c.execute(sa.select(students.c.student_id, students.c.name, students.c.email)
                               .where(students.c.active).order_by(students.c.student_id)):
                view[s.student_id] = {"student_id": s.student_id, "name": s.name, "email": s.email,
                                      "best_score": None, "latest_score": None, "attempts": 0, "late_attempts": 0,
                                      "last_attempt_at": None, "last_progress_at": None, "latest_tasks": {},
                                      "first_full_marks": {}, "queued": False}
            for r in c.execute(sa.select(attempts.c.student_id, sa.func.count(), sa.func.max(attempts.c.graded_at),
                                         sa.func.sum(sa.case((counted, 0), else_=1)))
                               .group_by(attempts.c.student_id)):
                if r[0] in view:
                    view[r[0]].update(attempts=r[1], last_attempt_at=r[2], late_attempts=int(r[3] or 0))
            best = sa.select(attempts.c.student_id, sa.func.max(attempts.c.score).label("best")) \
                .where(counted).group_by(attempts.c.student_id).subquery()
            for r in c.execute(sa.select(best.c.student_id, best.c.best, sa.func.min(attempts.c.graded_at))
                               .join(attempts, sa.and_(attempts.c.student_id == best.c.student_id,
                                                       attempts.c.score == best.c.best))
                               .where(counted).group_by(best.c.student_id, best.c.best)):
                if r[0] in view:
                    view[r[0]].update(best_score=r[1], last_progress_at=r[2])
            latest = self.chosen("latest", deadline)
            for sid, (row, _) in latest.items():
                if sid in view:
                    view[sid]["latest_score"] = row.score
            by_result: dict[int, list[str]] = {}
            for sid, (row, _) in latest.items():
                by_result.setdefault(row.result_id, []).append(sid)
            if by_result:
                for t in c.execute(sa.select(result_tasks).where(result_tasks.c.result_id.in_(list(by_result)))):
                    for sid in by_result[t.result_id]:
                        if sid in view:
                            view[sid]["latest_tasks"][str(t.task_number)] = t.status
            for r in c.execute(sa.select(attempts.c.student_id, result_tasks.c.task_number,
                                         sa.func.min(attempts.c.graded_at))
                               .join(result_tasks, result_tasks.c.result_id == attempts.c.result_id)
                               .where(result_tasks.c.status == "pass", counted)
                               .group_by(attempts.c.student_id, result_tasks.c.task_number)):
                if r[0] in view:
                    view[r[0]]["first_full_marks"][str(r[1])] = db.iso(r[2])
            for r in c.execute(sa.select(jobs.c.student_id).where(jobs.c.state.in_(ACTIVE))):
                if r[0] in view:
                    view[r[0]]["queued"] = True
        return view
