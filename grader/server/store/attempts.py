"""Reading attempts: a student's, one of them, and each student's best or latest up to the deadline."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from grader.server import db
from grader.server.db import attempts, results
from grader.server.store.base import Base


class Attempts(Base):
    def attempts(self, sid: str) -> list[dict[str, Any]]:
        """A student's attempts, newest first."""
        with self.read() as c:
            rows = c.execute(sa.select(attempts.c.id, attempts.c.graded_at, attempts.c.score, attempts.c.trigger,
                                       results.c.max_score, results.c.complete)
                             .join(results, results.c.id == attempts.c.result_id)
                             .where(attempts.c.student_id == sid)
                             .order_by(attempts.c.graded_at.desc(), attempts.c.id.desc())).all()
        return [{"attempt_id": r.id, "graded_at": db.iso(r.graded_at), "score": r.score, "trigger": r.trigger,
                 "max_score": r.max_score, "complete": r.complete, "_at": r.graded_at} for r in rows]

    def attempt(self, sid: str, attempt_id: int) -> tuple[Any, dict[str, Any]] | None:
        """One attempt of ``sid``: its row and the result it found (the JSON contract's student object)."""
        with self.read() as c:
            row = c.execute(sa.select(attempts, results.c.body).join(results, results.c.id == attempts.c.result_id)
                            .where(attempts.c.id == attempt_id, attempts.c.student_id == sid)).first()
        return None if row is None else (row, row.body)

    def chosen(self, which: str, deadline: dt.datetime | None) -> dict[str, tuple[Any, dict[str, Any]]]:
        """Each student's best (highest score, the later of equals) or latest attempt up to the deadline."""
        order = ([attempts.c.score.desc()] if which == "best" else []) + [attempts.c.graded_at.desc(),
                                                                          attempts.c.id.desc()]
        ranked = sa.select(attempts.c.id, sa.func.row_number().over(partition_by=attempts.c.student_id,
                                                                    order_by=order).label("rank"))
        if deadline is not None:
            ranked = ranked.where(attempts.c.graded_at <= deadline)
        ranked = ranked.subquery()
        with self.read() as c:
            rows = c.execute(sa.select(attempts, results.c.body)
                             .join(ranked, sa.and_(ranked.c.id == attempts.c.id, ranked.c.rank == 1))
                             .join(results, results.c.id == attempts.c.result_id)).all()
        return {r.student_id: (r, r.body) for r in rows}
