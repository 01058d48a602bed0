"""Everything the class server keeps, read and written through one object over the class database.

Writes are short transactions. The queue is the ``jobs`` table: a check inserts a row, a worker of any
instance claims rows with ``SELECT … FOR UPDATE SKIP LOCKED`` and holds them under a lease it renews;
the attempt and the job's completion are written in one transaction that only succeeds while the job
is still the worker's, so a job taken over from an instance that stalled is never recorded twice.
On SQLite (one instance) writes take the database's write lock (``BEGIN IMMEDIATE``), which gives
the same guarantees; ``FOR UPDATE`` is then left out by SQLAlchemy.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from grader.model import StudentResult
from grader.roster import Student
from grader.server import db
from grader.server.db import ACTIVE, attempts, jobs, meta, result_tasks, results, schedules, students, utcnow

MAX_TRIES = 3  # a job whose grading failed (or whose instance died) this often is given up, with its error
CLASS_SCHEDULE = "class"


class UnknownStudent(LookupError):
    """Not a student of this class (or no longer on its roster)."""


class Cooldown(Exception):
    def __init__(self, retry_after: float) -> None:
        super().__init__(f"next check in {retry_after:.0f} s")
        self.retry_after = retry_after


class _Lost(Exception):
    """The job being recorded is no longer this instance's."""


class WrongClass(Exception):
    """The database belongs to another assessment's class."""


@dataclass(frozen=True)
class Job:
    id: int
    student: Student
    trigger: str
    tries: int


def _student(row: Any) -> Student:
    return Student(row.student_id, row.name, row.email, row.region, row.profile, row.role_arn, row.account_id,
                   tuple((str(k), str(v)) for k, v in row.extra or ()))


def digest(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


class Store:
    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"

    # --- transactions -------------------------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[sa.Connection]:
        with self.engine.connect() as connection:
            connection = connection.execution_options(write=True)
            with connection.begin():
                yield connection

    @contextmanager
    def read(self) -> Iterator[sa.Connection]:
        with self.engine.connect() as connection, connection.begin():
            yield connection

    def _insert(self, table: sa.Table) -> Any:
        """An INSERT that can say ON CONFLICT DO NOTHING in this database's dialect."""
        if self.postgres:
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert(table)

    # --- the class ----------------------------------------------------------------------------

    def open_class(self, assessment: str) -> None:
        """Make the database this assessment's class (first start), or refuse one that is another's."""
        with self.write() as c:
            values = {"assessment": assessment, "secret": secrets.token_hex(32), "started_at": db.iso(utcnow())}
            c.execute(self._insert(meta).values([{"key": k, "value": v} for k, v in values.items()])
                      .on_conflict_do_nothing())
            found = c.execute(sa.select(meta.c.value).where(meta.c.key == "assessment")).scalar_one()
        if found != assessment:
            raise WrongClass(f"this database holds a class of {found}, not {assessment}: pass another --db")

    def meta(self, key: str) -> str:
        with self.read() as c:
            return c.execute(sa.select(meta.c.value).where(meta.c.key == key)).scalar_one()

    def setting(self, key: str) -> str | None:
        with self.read() as c:
            return c.execute(sa.select(meta.c.value).where(meta.c.key == key)).scalar_one_or_none()

    def set_setting(self, key: str, value: str) -> None:
        with self.write() as c:
            insert = self._insert(meta).values(key=key, value=value)
            c.execute(insert.on_conflict_do_update(index_elements=[meta.c.key], set_={"value": value}))

    def sync_students(self, roster: list[Student]) -> None:
        """The roster becomes the class: new students added, details updated, those no longer on it set
        aside (their attempts are kept)."""
        now = utcnow()
        with self.write() as c:
            known = set(c.execute(sa.select(students.c.student_id)).scalars())
            for s in roster:
                details = {"name": s.name, "email": s.email, "region": s.region, "profile": s.profile,
                           "role_arn": s.role_arn, "account_id": s.account_id, "extra": [list(p) for p in s.extra],
                           "active": True}
                if s.student_id in known:
                    c.execute(students.update().where(students.c.student_id == s.student_id).values(**details))
                else:
                    c.execute(self._insert(students).values(student_id=s.student_id, added_at=now, **details)
                              .on_conflict_do_nothing())
            ids = [s.student_id for s in roster]
            c.execute(students.update().where(students.c.student_id.not_in(ids)).values(active=False))

    def students(self) -> list[Student]:
        with self.read() as c:
            rows = c.execute(sa.select(students).where(students.c.active).order_by(students.c.student_id))
            return [_student(r) for r in rows]

    def student(self, sid: str) -> Student:
        with self.read() as c:
            row = c.execute(sa.select(students).where(students.c.student_id == sid, students.c.active)).first()
        if row is None:
            raise UnknownStudent(sid)
        return _student(row)

    # --- checks and the queue -----------------------------------------------------------------

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
        return [Job(r.id, _student(r), r.trigger, r.tries) for r in rows if r.tries <= MAX_TRIES]

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

    # --- reading attempts ---------------------------------------------------------------------

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
