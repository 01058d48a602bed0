"""Assignment and Grade Services: each student's counted score posted to the LMS's line item, as
durable jobs in the class database.

What is counted is the report's rule (``--counted best|latest``, attempts after ``--deadline`` left
out: :meth:`Store.chosen`). The database is the truth: a *reconcile* compares each student's counted
attempt with the last passback queued for them and queues one when the score differs. The worker's
hook runs it for the students just graded; a sweep runs it for the whole class at start and every
``sweep`` seconds (attempts graded by another instance, a student whose LMS identity arrived later). So
nothing depends on memory: a restart finds what was queued and what is still to queue.

A passback is a row (``lti_passbacks``) with a unique ``attempt_id``: one score per attempt, ever.
Sender threads claim due rows (``FOR UPDATE SKIP LOCKED`` under a lease, as grading jobs are), take an
access token and post the score. An LMS that is down (5xx, 429, a refused or timed-out connection)
leaves the row queued with ``next_try_at`` pushed back (exponential backoff with jitter, capped), tried
again without limit, and the first score the LMS takes again brings every waiting one forward; an
answer that says the score itself is wrong (other 4xx) marks it failed, with the reason, for the instructor. A newer score queued for a student supersedes one not yet sent. The one
case that can repeat a score is an instance killed between the LMS's answer and the commit that
records it; the repeat carries the same ``timestamp``, which the LMS keeps as the same score.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import threading
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import sqlalchemy as sa

from grader.server.db import iso, meta, utcnow
from grader.server.lti.client import SCORE_SCOPE, PlatformClient, PlatformError
from grader.server.lti.tables import insert, lti_passbacks, lti_users

log = logging.getLogger("grader.server.lti")
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
LINEITEM_KEY = "lti_lineitem"  # meta: the line item of the class's latest launch (for students without their own)


def scores_url(lineitem: str) -> str:
    """AGS §3.4: the score service is the line item's URL with ``/scores`` added to its path."""
    parts = urlsplit(lineitem)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


def score_body(row: Any) -> dict[str, Any]:
    return {"userId": row.sub, "scoreGiven": row.score, "scoreMaximum": row.max_score,
            "activityProgress": "Completed", "gradingProgress": "FullyGraded", "timestamp": iso(row.graded_at)}


class Passbacks:
    def __init__(self, store: Any, client: PlatformClient, *, counted: str = "best",
                 deadline: dt.datetime | None = None, max_score: float = 100.0, instance: str = "lti",
                 senders: int = 4, backoff: float = 2.0, backoff_cap: float = 60.0, lease: float = 60.0,
                 poll: float = 1.0, sweep: float = 30.0, gather: float = 0.2) -> None:
        self.store, self.client = store, client
        self.counted, self.deadline, self.max_score = counted, deadline, max_score
        self.instance, self.senders = instance, senders
        self.backoff, self.backoff_cap, self.lease, self.poll, self.sweep = backoff, backoff_cap, lease, poll, sweep
        self.gather = gather  # how long a woken reconcile waits for more students just graded
        self._pending: set[str] = set()
        self._full = True  # the first reconcile looks at the whole class
        self._lock = threading.Lock()
        self._wake_reconcile = threading.Event()
        self._wake_send = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    # --- life -----------------------------------------------------------------------------------

    def start(self) -> Passbacks:
        for target, name in [(self._reconciler, "lti-reconcile"),
                             *[(self._sender, f"lti-sender-{n}") for n in range(self.senders)]]:
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake_reconcile.set()
        self._wake_send.set()
        for thread in self._threads:
            thread.join(timeout)
        try:  # what this instance was sending goes back to the queue at once
            with self.store.write() as c:
                c.execute(lti_passbacks.update().where(lti_passbacks.c.claimed_by == self.instance,
                                                       lti_passbacks.c.state == "running")
                          .values(state="queued", claimed_by=None, lease_until=None))
        except Exception:
            log.exception("could not hand back this instance's passbacks")

    def notice(self, student_id: str) -> None:
        """The worker's hook: ``student_id`` has a new attempt (their counted score may have changed)."""
        with self._lock:
            self._pending.add(student_id)
        self._wake_reconcile.set()

    def notice_all(self) -> None:
        """Look at the whole class again (new LMS identities from a roster read)."""
        with self._lock:
            self._full = True
        self._wake_reconcile.set()

    # --- what to send ---------------------------------------------------------------------------

    def reconcile(self, only: set[str] | None = None) -> int:
        """Queue a passback for each student (of ``only``, or all) whose counted score differs from the last
        one queued for them and whose LMS identity is known; how many were queued."""
        chosen = self.store.chosen(self.counted, self.deadline)
        if only is not None:
            chosen = {sid: found for sid, found in chosen.items() if sid in only}
        with self.store.read() as c:  # most looks find nothing to queue: no write lock taken for them
            if not chosen or not self._todo(c, chosen):
                return 0
        now = utcnow()
        queued = 0
        with self.store.write() as c:
            for sid, attempt, user, lineitem in self._todo(c, chosen):  # again, under the write lock
                added = c.execute(insert(c, lti_passbacks).values(
                    student_id=sid, attempt_id=attempt.id, sub=user.sub, lineitem=lineitem, score=attempt.score,
                    max_score=self.max_score, graded_at=attempt.graded_at, state="queued", tries=0,
                    next_try_at=now, created_at=now).on_conflict_do_nothing().returning(lti_passbacks.c.id)).scalar()
                if added is not None:  # what is older and not yet sent need not be
                    c.execute(lti_passbacks.update().where(
                        lti_passbacks.c.student_id == sid, lti_passbacks.c.state == "queued",
                        lti_passbacks.c.graded_at < attempt.graded_at).values(state="superseded"))
                    queued += 1
        if queued:
            self._wake_send.set()
        return queued

    def _todo(self, c: Any, chosen: dict[str, Any]) -> list[tuple[str, Any, Any, str]]:
        """(student, counted attempt, LMS identity, line item) of each student of ``chosen`` to queue."""
        sids = sorted(chosen)
        users = {r.student_id: r for r in c.execute(sa.select(lti_users).where(lti_users.c.student_id.in_(sids)))}
        if not users:
            return []
        default = c.execute(sa.select(meta.c.value).where(meta.c.key == LINEITEM_KEY)).scalar()
        # Each student's latest score queued so far (by the attempt's time: the order the LMS keeps).
        last: dict[str, Any] = {}
        for r in c.execute(sa.select(lti_passbacks.c.student_id, lti_passbacks.c.score, lti_passbacks.c.graded_at)
                           .where(lti_passbacks.c.student_id.in_(list(users)))
                           .order_by(lti_passbacks.c.graded_at, lti_passbacks.c.id)):
            last[r.student_id] = r
        todo = []
        for sid in sids:
            attempt, user = chosen[sid][0], users.get(sid)
            lineitem = (user.lineitem if user else None) or default
            if user is None or not lineitem:
                continue  # not yet known to the LMS: a launch or a roster read will bring them
            before = last.get(sid)
            # Nothing new; or what was read is older than what another instance queued meanwhile.
            if before is not None and (before.score == attempt.score or before.graded_at >= attempt.graded_at):
                continue
            todo.append((sid, attempt, user, lineitem))
        return todo

    def _reconciler(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                pending, self._pending, full, self._full = self._pending, set(), self._full, False
            try:
                if full or pending:
                    self.reconcile(None if full else pending)
            except Exception:
                log.exception("passbacks could not be reconciled")
                with self._lock:
                    self._pending |= pending
                    self._full |= full
            if not self._wake_reconcile.wait(self.sweep):
                with self._lock:
                    self._full = True  # a sweep: attempts graded by other instances
            else:
                self._stop.wait(self.gather)  # the rest of a batch being graded joins this look
            self._wake_reconcile.clear()

    # --- sending ----------------------------------------------------------------------------------

    def claim(self, limit: int = 5) -> list[Any]:
        now = utcnow()
        due = sa.or_(sa.and_(lti_passbacks.c.state == "queued", lti_passbacks.c.next_try_at <= now),
                     sa.and_(lti_passbacks.c.state == "running", lti_passbacks.c.lease_until < now))
        # A student's scores leave in order: none while an earlier one of theirs is being sent.
        sending = lti_passbacks.alias("sending")
        due = sa.and_(due, ~sa.exists().where(sending.c.student_id == lti_passbacks.c.student_id,
                                              sending.c.graded_at < lti_passbacks.c.graded_at,
                                              sending.c.state == "running", sending.c.lease_until >= now))
        with self.store.write() as c:
            ids = list(c.execute(sa.select(lti_passbacks.c.id).where(due)
                                 .order_by(lti_passbacks.c.graded_at, lti_passbacks.c.id).limit(limit)
                                 .with_for_update(skip_locked=True)).scalars())
            if not ids:
                return []
            c.execute(lti_passbacks.update().where(lti_passbacks.c.id.in_(ids)).values(
                state="running", claimed_by=self.instance, lease_until=now + dt.timedelta(seconds=self.lease),
                tries=lti_passbacks.c.tries + 1))
            return c.execute(sa.select(lti_passbacks).where(lti_passbacks.c.id.in_(ids))
                             .order_by(lti_passbacks.c.id)).all()

    def _finish(self, row: Any, **values: Any) -> None:
        with self.store.write() as c:
            c.execute(lti_passbacks.update().where(lti_passbacks.c.id == row.id, lti_passbacks.c.state == "running",
                                                   lti_passbacks.c.claimed_by == self.instance)
                      .values(claimed_by=None, lease_until=None, **values))

    def delay(self, tries: int) -> float:
        return min(self.backoff_cap, self.backoff * 2 ** max(0, tries - 1)) * random.uniform(0.8, 1.0)

    def send(self, row: Any) -> bool:
        try:
            self.client.call("POST", scores_url(row.lineitem), SCORE_SCOPE, score_body(row), content_type=SCORE_TYPE)
        except PlatformError as exc:
            if exc.transient:
                wait = self.delay(row.tries)
                log.warning("passback %s for %s: %s; trying again in %.0f s", row.id, row.student_id, exc, wait)
                self._finish(row, state="queued", error=str(exc)[:500],
                             next_try_at=utcnow() + dt.timedelta(seconds=wait))
            else:
                log.error("passback %s for %s refused: %s", row.id, row.student_id, exc)
                self._finish(row, state="failed", error=str(exc)[:500])
            return False
        self._finish(row, state="done", sent_at=utcnow(), error=None)
        if row.tries > 1:  # the LMS answers again: what waits out its backoff is sent now, not in a minute
            with self.store.write() as c:
                c.execute(lti_passbacks.update().where(lti_passbacks.c.state == "queued",
                                                       lti_passbacks.c.next_try_at > utcnow())
                          .values(next_try_at=utcnow()))
            self._wake_send.set()
        return True

    def _sender(self) -> None:
        while not self._stop.is_set():
            try:
                claimed = self.claim()
            except Exception:
                log.exception("could not claim passbacks")
                claimed = []
            for row in claimed:
                if self._stop.is_set():
                    break
                try:
                    self.send(row)
                except Exception:  # the database, mostly: the lease runs out and the row is taken again
                    log.exception("passback %s could not be recorded", row.id)
            if not claimed:
                if self._wake_send.wait(self.poll):
                    self._wake_send.clear()

    def counts(self) -> dict[str, Any]:
        with self.store.read() as c:
            states = dict(c.execute(sa.select(lti_passbacks.c.state, sa.func.count())
                                    .group_by(lti_passbacks.c.state)).all())
            failed = [{"student_id": r.student_id, "attempt_id": r.attempt_id, "error": r.error}
                      for r in c.execute(sa.select(lti_passbacks).where(lti_passbacks.c.state == "failed")
                                         .order_by(lti_passbacks.c.id.desc()).limit(20))]
            waiting = c.execute(sa.select(sa.func.max(lti_passbacks.c.error)).where(
                lti_passbacks.c.state == "queued", lti_passbacks.c.tries > 0)).scalar()
        return {"states": states, "failed": failed, "last_error": waiting}
