"""Grading off the request path: the schedule grades everyone with nobody clicking, a restart loses no
job, a broken grading is retried then given up, and the worker shares listings and pacing."""

from __future__ import annotations

import time

import pytest

from grader.roster import Student
from grader.server import db
from grader.server.store import Store
from tests.conftest import Account, new_account_id, new_student_id


@pytest.fixture(scope="module")
def students(emulator):
    account = Account(emulator)
    ids = [new_student_id("w") for _ in range(4)]
    for sid in ids[:3]:
        account.build(sid)
    return [Student(sid) for sid in ids]


def wait_for(condition, timeout: float = 30, message: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, message or "timed out"
        time.sleep(0.05)


def test_the_schedule_grades_the_whole_class_with_nobody_clicking(students, start, sqlite_url):
    server = start(sqlite_url, students, service_options={"every": 1.0})
    ids = [s.student_id for s in students]

    def rounds() -> list[int]:
        return [len(server.store.attempts(sid)) for sid in ids]

    wait_for(lambda: min(rounds()) >= 2, message=f"two scheduled rounds expected, got {rounds()}")
    for sid in ids:
        attempts = server.get(f"/api/students/{sid}/attempts").json()["attempts"]
        assert {a["trigger"] for a in attempts} == {"schedule"}
    scores = {s["student_id"]: s["best_score"] for s in server.get("/api/class").json()["students"]}
    assert scores == {ids[0]: 100, ids[1]: 100, ids[2]: 100, ids[3]: 0}
    assert server.get("/api/class").json()["every_minutes"] is None  # the page is told only when --every is given


def test_a_restart_loses_no_job(students, start, sqlite_url):
    """Jobs are rows: those queued when the server stopped, and one a dead instance held, are graded by
    the next start, each once."""
    engine = db.open_engine(sqlite_url)
    db.upgrade(engine)
    store = Store(engine)
    store.open_class("lambda_medium")
    store.sync_students(students)
    queued = [store.request_check(s.student_id, "student", 60) for s in students[:3]]
    store.claim("a-dead-instance", 1, lease=0.5)  # the first job was being graded when it died
    engine.dispose()
    server = start(sqlite_url, students, sync=False)
    wait_for(lambda: all(server.store.job(j).state == "done" for j in queued), message="queued jobs not graded")
    for sid, job in zip([s.student_id for s in students[:3]], queued, strict=True):
        attempts = server.store.attempts(sid)
        assert [a["attempt_id"] for a in attempts] == [server.store.job(job).attempt_id]
        assert attempts[0]["trigger"] == "student"
    assert server.store.job(queued[0]).tries == 2  # taken over once its lease ran out
    assert server.check(students[0].student_id, token=server.link_key(students[0].student_id)).status == 429


def test_a_grading_that_crashes_is_retried_then_reported(students, start, sqlite_url, monkeypatch):
    from grader.server import worker

    crashes = []

    class Broken(worker.Grader):
        def grade(self, *args, **kwargs):
            crashes.append(1)
            raise RuntimeError("a bug")

    monkeypatch.setattr(worker, "Grader", Broken)
    server = start(sqlite_url, students)
    reply = server.check(students[0].student_id)
    assert reply.status == 502 and reply.json()["error"] == "the grading failed; try again later"
    assert len(crashes) == 3
    assert "a bug" not in reply.text


def test_a_batch_shares_listings_and_sessions(emulator, start, sqlite_url):
    """Students who check together are graded as one class run: account-wide listings read once, over the
    server's long-lived session (its clients and pacing), with facts read fresh for every batch. In an account
    of its own: what the listings cost then depends on this class, not on every test's students."""
    account = Account(emulator, credentials=emulator.account_credentials(new_account_id()))
    students = [Student(new_student_id("wb")) for _ in range(4)]
    for student in students[:3]:
        account.build(student.student_id)
    server = start(sqlite_url, students, service_options={"workers": 1}, credentials=account.credentials)
    session = server.service.connections.default
    before = sum(session.requests.values())
    server.store.enqueue_class("instructor")
    server.service.wake()
    wait_for(lambda: server.store.queue_counts().get("done", 0) == 4)
    batch = sum(session.requests.values()) - before
    assert session.requests["lambda:ListFunctions"] >= 1  # the inventory: a class-sized batch lists
    before = sum(session.requests.values())
    assert server.check(students[0].student_id).status == 200
    alone = sum(session.requests.values()) - before
    assert alone > 10 and batch < 4 * alone  # a fresh read for one student; the class shared its listings


def test_pacing_holds_across_workers_and_batches(students, start, sqlite_url, emulator):
    """Under AWS-like quotas (a proxy answering 'Rate exceeded' beyond them), checks graded side by side by
    two workers are paced by the one pacer of the account's session: nothing is throttled."""
    from concurrent.futures import ThreadPoolExecutor

    from tests.support.proxy import AwsLikeProxy

    quotas = {"lambda:GetFunction": 20.0, "lambda:GetPolicy": 8.0, "lambda:*": 8.0, "cloudwatch:DescribeAlarms": 4.0}
    built = students[:3]
    with AwsLikeProxy(emulator.url, quotas=quotas) as proxy:
        server = start(sqlite_url, built, endpoint=proxy.url, quotas=quotas, settings={"cooldown": 0})
        for _ in range(2):
            with ThreadPoolExecutor(3) as pool:
                replies = list(pool.map(server.check, [s.student_id for s in built]))
            assert [(r.status, r.json()["score"]) for r in replies] == [(200, 100)] * 3
        assert sum(proxy.requests.values()) > 50
        assert not proxy.throttled, proxy.throttled
    assert server.service.connections.default.pacer.waited > 0
