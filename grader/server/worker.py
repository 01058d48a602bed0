"""Grading off the request path: worker threads take jobs from the database and grade them in batches.

A check is a row in ``jobs`` (see :mod:`grader.server.store`). Each instance runs a few worker threads;
a worker claims up to a batch of queued jobs, grades those students together as a class run does
(:class:`~grader.engine.Grader`, account-wide listings shared for 3 or more), and records each attempt
as its student finishes. AWS sessions, their clients and their pacing live as long as the server
(:class:`grader.aws.connections.Connections`), so every batch of every worker stays under the same
per-account quotas; the facts are read fresh for each batch, since a student checks because something changed.

A heartbeat thread renews the leases of the jobs this instance holds and, with ``--every``, takes the
scheduled round when it is due. An instance that dies stops renewing: its jobs are claimed again by
any instance once their lease runs out; a clean stop hands them back at once.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from grader import version
from grader.aws.connections import Connections, shares_listings
from grader.engine import Grader
from grader.server.store import Job, Store

log = logging.getLogger("grader.server")

def instance_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{os.urandom(3).hex()}"


class GradingService:
    """The workers, the heartbeat and the waiting room of one server instance."""

    def __init__(self, store: Store, assessment: Any, *, pass_mark: float = 70.0, workers: int = 2,
                 batch_size: int = 50, lease: float = 30.0, poll: float = 1.0, gather: float = 0.05,
                 every: float | None = None,
                 grader_workers: int = 16, instance: str | None = None) -> None:
        self.store = store
        self.assessment = assessment
        self.pass_mark = pass_mark
        self.workers = workers
        self.batch_size = batch_size
        self.lease = lease
        self.poll = poll  # how often an idle worker looks for jobs queued by other instances
        self.gather = gather  # how long a woken worker waits for more checks to grade in one batch
        self.every = every  # seconds between scheduled rounds, or None
        self.grader_workers = grader_workers
        self.instance = instance or instance_name()
        self.version = version()
        self.connections: Connections | None = None
        self.ready = threading.Event()  # set once AWS is reachable (the sandbox: once it is seeded)
        self.failure: str | None = None  # why grading cannot start, if it cannot
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._threads: list[threading.Thread] = []
        self._waiters: dict[int, list[tuple[asyncio.AbstractEventLoop, asyncio.Event]]] = {}
        self._lock = threading.Lock()
        self.recorded: list[Callable[[str], None]] = []  # called with a student ID after each new attempt

    # --- life -----------------------------------------------------------------------------------

    def start(self) -> GradingService:
        for number in range(self.workers):
            self._spawn(self._work, f"grading-worker-{number}")
        self._spawn(self._heartbeat, "grading-heartbeat")
        return self

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def connect(self, connections: Connections) -> None:
        """AWS is reachable: workers start taking jobs."""
        self.connections = connections
        self.ready.set()
        self.wake()

    def fail(self, reason: str) -> None:
        """AWS cannot be reached at all (e.g. the sandbox did not start): checks answer with the reason."""
        self.failure = reason
        log.error("grading unavailable: %s", reason)

    def stop(self, timeout: float = 10.0, hand_back: bool = True) -> None:
        """Stop taking jobs, let the batches under way finish for up to ``timeout`` seconds, and hand back
        whatever this instance still holds so another instance (or the next start) grades it at once
        (``hand_back=False``: as if the instance had died, its leases run out instead)."""
        self._stop.set()
        self._wake.set()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        if not hand_back:
            return
        try:
            self.store.release(self.instance)
        except Exception:  # the database is gone too: the leases will run out instead
            log.exception("could not hand back this instance's jobs")

    def wake(self) -> None:
        self._wake.set()

    # --- workers --------------------------------------------------------------------------------

    def _work(self) -> None:
        while not self._stop.is_set():
            if not self.ready.is_set():
                self.ready.wait(self.poll)
                continue
            try:
                claimed = self.store.claim(self.instance, self.batch_size, self.lease)
            except Exception:
                log.exception("could not claim jobs")
                self._stop.wait(self.poll)
                continue
            if not claimed:
                if self._wake.wait(self.poll):
                    # Woken by a check: let the others pressed at the same moment join its batch.
                    self._stop.wait(self.gather)
                self._wake.clear()
                continue
            self._grade(claimed)

    def _grade(self, claimed: list[Job]) -> None:
        assert self.connections is not None
        by_id = {job.student.student_id: job for job in claimed}
        finished: set[int] = set()
        batch = self.connections.batch(inventory=shares_listings(len(claimed)))

        def on_result(result: Any) -> None:
            job = by_id[result.student_id]
            attempt = self.store.record(job, result, self.instance, self.version)
            finished.add(job.id)
            if attempt is None:
                log.warning("job %s was taken over by another instance; its result was dropped", job.id)
            self._notify(job.id)
            for listener in self.recorded if attempt is not None else ():
                try:
                    listener(job.student.student_id)
                except Exception:
                    log.exception("a listener of new attempts failed")

        started = time.monotonic()
        try:
            Grader(self.assessment, batch.facts_for, pass_mark=self.pass_mark, workers=self.grader_workers,
                   student_workers=max(1, self.grader_workers // 4)).grade(
                [job.student for job in claimed], on_result=on_result)
        except Exception as exc:
            log.exception("a batch of %d failed", len(claimed))
            rest = [job.id for job in claimed if job.id not in finished]
            try:
                self.store.give_back(rest, self.instance, f"grading failed: {type(exc).__name__}")
            except Exception:
                log.exception("could not hand back jobs %s", rest)
            for job_id in rest:
                self._notify(job_id)
        finally:
            batch.close()
        log.info("graded %d student(s) in %.2f s", len(finished), time.monotonic() - started)

    def _heartbeat(self) -> None:
        interval = max(0.2, min(self.lease / 3, 5.0, (self.every or 20.0) / 4))
        while not self._stop.wait(interval):
            try:
                self.store.renew(self.instance, self.lease)
                if self.every and self.store.scheduled_round(self.every):
                    self.wake()
            except Exception:
                log.exception("heartbeat failed")

    # --- waiting for a job (from the event loop) ------------------------------------------------

    def _notify(self, job_id: int) -> None:
        with self._lock:
            waiting = self._waiters.pop(job_id, [])
        for loop, event in waiting:
            loop.call_soon_threadsafe(event.set)

    async def wait(self, job_id: int, timeout: float) -> Any:
        """The job's row once it is done or failed (graded here or by another instance), or as it stands
        after ``timeout`` seconds."""
        from anyio import to_thread

        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            event = asyncio.Event()
            with self._lock:
                self._waiters.setdefault(job_id, []).append((loop, event))
            try:
                job = await to_thread.run_sync(self.store.job, job_id)
                remaining = deadline - loop.time()
                if job is None or job.state in ("done", "failed") or remaining <= 0:
                    return job
                try:  # woken by this instance's worker, or look again (another instance may grade it)
                    await asyncio.wait_for(event.wait(), min(remaining, self.poll))
                except TimeoutError:
                    pass
            finally:
                with self._lock:
                    pending = self._waiters.get(job_id)
                    if pending and (loop, event) in pending:
                        pending.remove((loop, event))
                        if not pending:
                            del self._waiters[job_id]
