"""Checks and the queue: the ``jobs`` table, the cooldown, leases, recording an attempt with its job's
completion in one transaction, and the class's schedule (see :mod:`grader.server.store`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from grader.model import StudentResult
from grader.roster import Student
from grader.server.db import ACTIVE, attempts, jobs, result_tasks, results, schedules, students, utcnow
from grader.server.store.base import Base, Cooldown, UnknownStudent, student_of

MAX_TRIES = 3  # a job whose grading failed (or whose instance died) this often is given up, with its error
CLASS_SCHEDULE = "class"


class _Lost(Exception):
    """The job being recorded is no longer this instance's."""



@dataclass(frozen=True)
class Job:
    id: int
    student: Student
    trigger: str
    tries: int



def digest(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()



class Queue(Base):
    def request_check(self, sid: str, trigger: str, cooldown: float) -> int:
        """Queue a grading of ``sid`` (or join the one already queued); the job's ID. The cooldown is
        taken atomically: of two presses at once, one gets the job and the other :class:`Cooldown`."""
        now = utcnow()
        with self.write() as c:
            taken = c.execute(students.update().where(
                students.c.student_id == sid, students.c.active,
                sa.or_(students.c.last_check_at.is_(None),
                       students.c.last_check_at <= now - dt.timedelta(seconds=cooldown)))
                .values(last_check_at=now))
            if taken.rowcount == 0:
                last = c.execute(sa.select(students.c.last_check_at)
                                 .where(students.c.student_id == sid, students.c.active)).first()
                if last is None:
                    raise UnknownStudent(sid)
                # (of two presses at once, the other's time may be a little later than this one's)
                raise Cooldown(min(cooldown, max(0.0, cooldown - (now - last[0]).total_seconds())))
            return self._enqueue(c, sid, trigger, now)

    def retry_after(self, sid: str, cooldown: float) -> float:
        with self.read() as c:
            last = c.execute(sa.select(students.c.last_check_at).where(students.c.student_id == sid)).scalar()
        if last is None:
            return 0.0
        return max(0.0, cooldown - (utcnow() - last).total_seconds())

    def _enqueue(self, c: sa.Connection, sid: str, trigger: str, now: dt.datetime) -> int:
        new = c.execute(self._insert(jobs).values(student_id=sid, trigger=trigger, state="queued", created_at=now)
                        .on_conflict_do_nothing().returning(jobs.c.id)).scalar()
        if new is not None:
            return new
        # A job for this student is already queued or running: this check is answered by it.
        active = c.execute(sa.select(jobs.c.id, jobs.c.state).where(jobs.c.student_id == sid,
                                                                     jobs.c.state.in_(ACTIVE))).one()
        if active.state == "queued" and trigger != "schedule":
            c.execute(jobs.update().where(jobs.c.id == active.id).values(trigger=trigger))
        return active.id

    def enqueue_class(self, trigger: str) -> int:
        """Queue every student of the class who has nothing queued; how many were queued."""
        with self.write() as c:
            return self._enqueue_class(c, trigger, utcnow())

    def _enqueue_class(self, c: sa.Connection, trigger: str, now: dt.datetime) -> int:
        chosen = sa.select(students.c.student_id, sa.literal(trigger), sa.literal("queued"), sa.literal(now)) \
            .where(students.c.active).order_by(students.c.student_id)
        queued = c.execute(self._insert(jobs).from_select(["student_id", "trigger", "state", "created_at"], chosen)
                           .on_conflict_do_nothing().returning(jobs.c.id)).all()
        return len(queued)

    def claim(self, instance: str, limit: int, lease: float) -> list[Job]:
        """Up to ``limit`` jobs for this instance: queued ones, and running ones whose lease ran out (their
        instance died). Rows another instance is claiming right now are skipped, not waited for."""
        now = utcnow()
        with self.write() as c:
            ids = list(c.execute(
                sa.select(jobs.c.id)
                .where(sa.or_(jobs.c.state == "queued", sa.and_(jobs.c.state == "running", jobs.c.lease_until < now)))
                .order_by(jobs.c.id).limit(limit)
                .with_for_update(skip_locked=True)).scalars())
            if not ids:
                return []
            c.execute(jobs.update().where(jobs.c.id.in_(ids)).values(
                state="running", claimed_by=instance, lease_until=now + dt.timedelta(seconds=lease),
                tries=jobs.c.tries + 1))
            rows = c.execute(sa.select(jobs.c.id, jobs.c.trigger, jobs.c.tries, students)
                             .join(students, students.c.student_id == jobs.c.student_id)
                             .where(jobs.c.id.in_(ids)).order_by(jobs.c.id)).all()
            given_up = [r.id for r in rows if r.tries > MAX_TRIES]
            if given_up:
                c.execute(jobs.update().where(jobs.c.id.in_(given_up)).values(
                    state="failed", finished_at=now, lease_until=None,
                    error=sa.func.coalesce(jobs.c.error, "its grading was interrupted too often")))
        return [Job(r.id, student_of(r), r.trigger, r.tries) for r in rows if r.tries <= MAX_TRIES]

    def renew(self, instance: str, lease: float) -> int:
        """Extend the lease of every job this instance is grading."""
        with self.write() as c:
            return c.execute(jobs.update().where(jobs.c.claimed_by == instance, jobs.c.state == "running")
                             .values(lease_until=utcnow() + dt.timedelta(seconds=lease))).rowcount

    def record(self, job: Job, result: StudentResult, instance: str, version: str) -> int | None:
        """Keep an attempt and finish its job, together; None when the job is no longer this instance's."""
        body = result.to_dict()
        key = digest(body)
        now = utcnow()
        try:
            return self._record(job, result, body, key, now, instance, version)
        except _Lost:
            return None

    def _record(self, job: Job, result: StudentResult, body: dict[str, Any], key: str, now: dt.datetime,
                instance: str, version: str) -> int:
        with self.write() as c:
            c.execute(self._insert(results).values(digest=key, score=result.score, max_score=result.max_score,
                                                   complete=result.complete, body=body).on_conflict_do_nothing())
            result_id, tasks_known = c.execute(
                sa.select(results.c.id, sa.exists().where(result_tasks.c.result_id == results.c.id))
                .where(results.c.digest == key)).one()
            if not tasks_known:
                c.execute(self._insert(result_tasks).values([
                    {"result_id": result_id, "task_number": t.number, "status": t.status.value,
                     "score": t.score, "max_score": t.max_score} for t in result.tasks]).on_conflict_do_nothing())
            attempt_id = c.execute(attempts.insert().values(
                student_id=job.student.student_id, graded_at=now, trigger=job.trigger, score=result.score,
                result_id=result_id, grader_version=version, instance=instance).returning(attempts.c.id)).scalar_one()
            finished = c.execute(jobs.update().where(jobs.c.id == job.id, jobs.c.claimed_by == instance,
                                                     jobs.c.state == "running")
                                 .values(state="done", attempt_id=attempt_id, finished_at=now, lease_until=None))
            if finished.rowcount != 1:
                raise _Lost  # rolls the attempt back: the job was given to another instance
        return attempt_id

    def give_back(self, job_ids: list[int], instance: str, error: str | None = None) -> None:
        """Jobs this instance will not finish: queued again (failed once tried too often), for any instance."""
        if not job_ids:
            return
        with self.write() as c:
            mine = sa.and_(jobs.c.id.in_(job_ids), jobs.c.claimed_by == instance, jobs.c.state == "running")
            c.execute(jobs.update().where(mine, jobs.c.tries >= MAX_TRIES)
                      .values(state="failed", error=error, finished_at=utcnow(), lease_until=None))
            c.execute(jobs.update().where(mine).values(state="queued", claimed_by=None, lease_until=None, error=error))

    def release(self, instance: str) -> None:
        """On a clean stop: every job still claimed by this instance goes back to the queue, untried."""
        with self.write() as c:
            c.execute(jobs.update().where(jobs.c.claimed_by == instance, jobs.c.state == "running")
                      .values(state="queued", claimed_by=None, lease_until=None, tries=jobs.c.tries - 1))

    def job(self, job_id: int) -> Any:
        with self.read() as c:
            return c.execute(sa.select(jobs).where(jobs.c.id == job_id)).first()

    def queue_counts(self) -> dict[str, int]:
        with self.read() as c:
            return dict(c.execute(sa.select(jobs.c.state, sa.func.count()).group_by(jobs.c.state)).all())

    # --- the schedule -------------------------------------------------------------------------

    def scheduled_round(self, every: float) -> int:
        """If the class's scheduled round is due, take it (one instance does: the row is claimed with
        ``FOR UPDATE SKIP LOCKED``), queue everyone and set the next; how many were queued."""
        now = utcnow()
        step = dt.timedelta(seconds=every)
        with self.write() as c:
            c.execute(self._insert(schedules).values(name=CLASS_SCHEDULE, every_seconds=every, next_due_at=now)
                      .on_conflict_do_nothing())
            row = c.execute(sa.select(schedules).where(schedules.c.name == CLASS_SCHEDULE)
                            .with_for_update(skip_locked=True)).first()
            if row is None:  # another instance holds it right now
                return 0
            due = row.next_due_at
            if row.every_seconds != every:  # the interval changed since the last start
                due = min(due, now + step)
            if due > now:
                if due != row.next_due_at or row.every_seconds != every:
                    c.execute(schedules.update().where(schedules.c.name == CLASS_SCHEDULE)
                              .values(every_seconds=every, next_due_at=due))
                return 0
            following = due + step
            if following <= now:  # rounds missed while no instance ran are not made up
                following = now + step
            c.execute(schedules.update().where(schedules.c.name == CLASS_SCHEDULE)
                      .values(every_seconds=every, next_due_at=following))
            return self._enqueue_class(c, "schedule", now)

    def next_round(self) -> dt.datetime | None:
        with self.read() as c:
            return c.execute(sa.select(schedules.c.next_due_at).where(schedules.c.name == CLASS_SCHEDULE)).scalar()
