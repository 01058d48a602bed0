"""Grade passback (AGS) and the tool's keys, on SQLite and on a real PostgreSQL server, against the
tests' own platform: the counted score posted once per change (best or latest, the deadline kept), in
the AGS score's media type and fields (AGS 2.0 §3.4.1); retried while the platform answers 503; nothing
lost across a restart or an instance killed mid-send; never two scores for one attempt, even with two
instances; the roster read from the membership service (NRPS 2.0 §2.2)."""

from __future__ import annotations

import datetime as dt
import time

import pytest
import sqlalchemy as sa

from grader.roster import Student
from grader.server import db
from grader.server.db import utcnow
from grader.server.lti import Lti
from grader.server.lti.config import parse
from grader.server.lti.keys import ToolKeys
from grader.server.lti.tables import lti_keys, lti_passbacks, lti_users
from grader.server.store import Store
from tests.server.lti_platform import LEARNER, LtiPlatform
from tests.server.test_store import result

FAST = {"poll": 0.02, "sweep": 0.3, "backoff": 0.05, "backoff_cap": 0.2}


@pytest.fixture
def store(database_url):
    engine = db.open_engine(database_url)
    db.upgrade(engine)
    opened = Store(engine)
    opened.open_class("lambda_medium")
    opened.sync_students([Student(f"st{n}", name=f"Student {n}", email=f"st{n}@school.example") for n in range(4)])
    yield opened
    engine.dispose()


@pytest.fixture
def platform():
    with LtiPlatform() as running:
        yield running


def make_lti(store, platform, **options) -> Lti:
    lti = Lti(parse(platform.config()), store, max_score=10.0, **{**FAST, **options})
    platform.tool_keys = lti.keys.key_set  # the platform checks the tool's assertions against its key set
    return lti


def known(store, platform, *sids: str) -> None:
    """As their launches would: each student's LMS identity and the line item."""
    with store.write() as c:
        for sid in sids:
            c.execute(lti_users.insert().values(student_id=sid, sub=f"lms-{sid}", lineitem=platform.lineitem(),
                                                updated_at=utcnow()))


def graded(store, sid: str, points: tuple[float, float], at: dt.datetime | None = None) -> int:
    store.request_check(sid, "student", 0)
    [job] = [j for j in store.claim("grader", 10, 30) if j.student.student_id == sid]
    attempt = store.record(job, result(sid, points), "grader", "test")
    if at is not None:
        with store.write() as c:
            c.execute(db.attempts.update().where(db.attempts.c.id == attempt).values(graded_at=at))
    return attempt


def wait_for(condition, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def posted(platform) -> list[tuple[str, float]]:
    return [(s["body"]["userId"], s["body"]["scoreGiven"]) for s in platform.scores]


def test_the_counted_score_is_posted_once_per_change(store, platform):
    known(store, platform, "st0", "st1")
    first = graded(store, "st0", (4, 0))
    lti = make_lti(store, platform).start()
    try:
        wait_for(lambda: len(platform.scores) == 1)
        [score] = platform.scores
        assert score["content_type"] == "application/vnd.ims.lis.v1.score+json"
        assert score["path"] == "/courses/7/lineitems/1/scores?version=2"  # /scores added to the path
        body = score["body"]
        with store.read() as c:
            at = c.execute(sa.select(db.attempts.c.graded_at).where(db.attempts.c.id == first)).scalar()
        assert body == {"userId": "lms-st0", "scoreGiven": 4.0, "scoreMaximum": 10.0, "activityProgress": "Completed",
                        "gradingProgress": "FullyGraded", "timestamp": db.iso(at)}
        graded(store, "st0", (4, 0))  # the same score again: nothing to post
        graded(store, "st0", (0, 0))  # lower: the best is still 4
        graded(store, "st2", (4, 6))  # not known to the LMS: nothing can be posted
        lti.passbacks.notice("st0")
        lti.passbacks.notice("st2")
        graded(store, "st0", (4, 6))
        lti.passbacks.notice("st0")
        wait_for(lambda: len(platform.scores) == 2)
        time.sleep(0.5)  # a sweep or two
        assert posted(platform) == [("lms-st0", 4.0), ("lms-st0", 10.0)]
        assert platform.token_requests == 1  # the access token is kept until it nearly expires
    finally:
        lti.stop()


def test_latest_counts_and_the_deadline_is_kept(store, platform):
    known(store, platform, "st0")
    now = utcnow()
    graded(store, "st0", (4, 6), at=now - dt.timedelta(minutes=3))
    graded(store, "st0", (4, 0), at=now - dt.timedelta(minutes=2))
    graded(store, "st0", (0, 0), at=now - dt.timedelta(minutes=1))  # after the deadline: not counted
    lti = make_lti(store, platform, counted="latest", deadline=now - dt.timedelta(seconds=90)).start()
    try:
        wait_for(lambda: platform.scores)
        time.sleep(0.5)
        assert posted(platform) == [("lms-st0", 4.0)]
    finally:
        lti.stop()


def test_passback_is_retried_while_the_platform_answers_503(store, platform):
    known(store, platform, "st0", "st1")
    platform.refusals = 5
    graded(store, "st0", (4, 6))
    graded(store, "st1", (4, 0))
    lti = make_lti(store, platform).start()
    try:
        wait_for(lambda: len(platform.scores) == 2)
        assert sorted(posted(platform)) == [("lms-st0", 10.0), ("lms-st1", 4.0)]
        # The platform has the score a moment before the job is marked done.
        wait_for(lambda: not {"queued", "running"} & set(lti.passbacks.counts()["states"]))
        with store.read() as c:
            rows = c.execute(sa.select(lti_passbacks)).all()
        assert {r.state for r in rows} == {"done"} and sum(r.tries for r in rows) == 2 + 5
        assert all(r.error is None and r.sent_at for r in rows)
    finally:
        lti.stop()


def test_a_refused_score_is_marked_failed_not_retried(store, platform):
    known(store, platform, "st0")
    with store.write() as c:
        c.execute(lti_users.update().values(lineitem=f"{platform.url}/courses/7/nothing/1"))  # 404
    graded(store, "st0", (4, 6))
    lti = make_lti(store, platform).start()
    try:
        wait_for(lambda: lti.passbacks.counts()["states"].get("failed") == 1)
        [failed] = lti.passbacks.counts()["failed"]
        assert failed["student_id"] == "st0" and "404" in failed["error"]
    finally:
        lti.stop()


def test_nothing_is_lost_across_a_restart_or_a_killed_instance(store, platform):
    known(store, platform, "st0", "st1", "st2")
    platform.down = True
    first = make_lti(store, platform).start()
    for sid in ("st0", "st1"):
        graded(store, sid, (4, 6))
        first.passbacks.notice(sid)
    wait_for(lambda: first.passbacks.counts()["last_error"] is not None)  # tried, refused, still queued
    first.stop()
    graded(store, "st2", (4, 0))  # graded while no passback service ran
    # An instance killed while sending: its row stays "running" until its lease runs out.
    with store.write() as c:
        c.execute(lti_passbacks.update().where(lti_passbacks.c.student_id == "st1").values(
            state="running", claimed_by="dead-instance", lease_until=utcnow() - dt.timedelta(seconds=1)))
    platform.down = False
    second = make_lti(store, platform).start()
    try:
        wait_for(lambda: len(platform.scores) == 3)
        time.sleep(0.5)
        assert sorted(posted(platform)) == [("lms-st0", 10.0), ("lms-st1", 10.0), ("lms-st2", 4.0)]
    finally:
        second.stop()


def test_never_two_scores_for_one_attempt_even_with_two_instances(store, platform):
    sids = [f"st{n}" for n in range(4)]
    known(store, platform, *sids)
    one, two = make_lti(store, platform, senders=3), make_lti(store, platform, senders=3)
    one.start()
    two.start()
    try:
        for points in ((0, 0), (4, 0), (4, 6)):
            for sid in sids:
                graded(store, sid, points)
                one.passbacks.notice(sid)
                two.passbacks.notice(sid)
            for lti in (one, two):
                lti.passbacks.reconcile()
        wait_for(lambda: not {"queued", "running"} & set(one.passbacks.counts()["states"]))
        time.sleep(0.5)
    finally:
        one.stop()
        two.stop()
    with store.read() as c:
        rows = c.execute(sa.select(lti_passbacks)).all()
    sent = [(s["body"]["userId"], s["body"]["timestamp"]) for s in platform.scores]
    assert len(sent) == len(set(sent))  # no score twice
    assert {r.attempt_id for r in rows if r.state == "done"} == {r.attempt_id for r in rows} - {
        r.attempt_id for r in rows if r.state == "superseded"}
    for sid in sids:  # each student's scores arrived in order, the final one last
        theirs = [s["body"] for s in platform.scores if s["body"]["userId"] == f"lms-{sid}"]
        assert [b["timestamp"] for b in theirs] == sorted(b["timestamp"] for b in theirs)
        assert theirs[-1]["scoreGiven"] == 10.0


def test_the_roster_is_read_from_the_membership_service(store, platform):
    platform.memberships = [
        {"user_id": "lms-a", "lis_person_sourcedid": "st0", "roles": [LEARNER], "status": "Active"},  # by ID
        {"user_id": "lms-b", "email": "ST1@school.example", "roles": [LEARNER]},  # by email
        {"user_id": "lms-c", "lis_person_sourcedid": "new01", "name": "New One", "email": "n@school.example",
         "roles": [LEARNER]},  # added
        {"user_id": "lms-d", "name": "No Id", "roles": [LEARNER]},  # skipped
        {"user_id": "lms-t", "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"]},
        {"user_id": "lms-x", "lis_person_sourcedid": "st3", "roles": [LEARNER], "status": "Inactive"},
    ]
    lti = make_lti(store, platform)
    from grader.server.lti.nrps import MEMBERSHIPS_KEY, read_roster

    with pytest.raises(LookupError, match="launch the tool once"):
        read_roster(store, lti.client)
    with store.write() as c:
        c.execute(db.meta.insert().values(key=MEMBERSHIPS_KEY, value=f"{platform.url}/courses/7/memberships"))
    read = read_roster(store, lti.client).as_dict()
    assert read["members"] == 6  # three pages of two
    assert (read["added"], read["linked"]) == (["new01"], ["st0", "st1"])
    assert [s["user_id"] for s in read["skipped"]] == ["lms-d"]
    assert store.student("new01").name == "New One"
    assert store.student("st3").student_id == "st3" and len(store.students()) == 5  # nobody removed
    with store.read() as c:
        assert dict(c.execute(sa.select(lti_users.c.student_id, lti_users.c.sub)).all()) == {
            "st0": "lms-a", "st1": "lms-b", "new01": "lms-c"}


def test_the_tool_s_keys_are_the_class_database_s(store):
    one, two = ToolKeys(store), ToolKeys(store)  # two instances
    kid = one.signing_key().kid
    assert two.signing_key().kid == kid and ToolKeys(store).key_set() == one.key_set()  # and a restart
    new = one.rotate()
    assert new != kid
    two.forget()
    assert two.signing_key().kid == new
    assert [k["kid"] for k in two.key_set()["keys"]] == [new, kid]  # the old one still published
    # Automatic rotation: a key older than the rotation period is replaced on next use, by one instance.
    with store.write() as c:
        c.execute(lti_keys.update().values(created_at=utcnow() - dt.timedelta(days=100)))
        c.execute(lti_keys.update().where(lti_keys.c.kid == kid).values(created_at=utcnow() - dt.timedelta(days=400)))
    one.forget()
    two.forget()
    rotated = one.signing_key().kid
    assert rotated not in (kid, new) and two.signing_key().kid == rotated
    assert [k["kid"] for k in one.key_set()["keys"]] == [rotated, new]  # the 400-day-old key is retired


def test_the_first_score_the_platform_takes_again_brings_the_waiting_ones_forward(store, platform):
    known(store, platform, "st0", "st1")
    for sid in ("st0", "st1"):
        graded(store, sid, (4, 6))
    lti = make_lti(store, platform)
    lti.passbacks.reconcile()
    with store.write() as c:  # both failed three times while the platform was down; one waits for an hour
        c.execute(lti_passbacks.update().values(tries=3, error="503"))
        c.execute(lti_passbacks.update().where(lti_passbacks.c.student_id == "st1")
                  .values(next_try_at=utcnow() + dt.timedelta(hours=1)))
    lti.start()
    try:
        wait_for(lambda: len(platform.scores) == 2, timeout=10)
        assert sorted(posted(platform)) == [("lms-st0", 10.0), ("lms-st1", 10.0)]
    finally:
        lti.stop()


def test_a_reconcile_that_read_before_another_instance_queued_changes_nothing(store, platform, monkeypatch):
    """Two instances: one queued the newer score while the other was reading the class. The late reader
    neither supersedes the newer passback nor queues its older score after it."""
    known(store, platform, "st0")
    now = utcnow()
    graded(store, "st0", (4, 0), at=now - dt.timedelta(minutes=2))
    graded(store, "st0", (4, 6), at=now - dt.timedelta(minutes=1))
    lti = make_lti(store, platform)
    assert lti.passbacks.reconcile() == 1  # the newer one, 10
    real = store.chosen
    monkeypatch.setattr(store, "chosen", lambda which, deadline: real(which, now - dt.timedelta(seconds=90)))
    assert lti.passbacks.reconcile() == 0  # read the class as it was: score 4
    with store.read() as c:
        rows = c.execute(sa.select(lti_passbacks.c.score, lti_passbacks.c.state)).all()
    assert [tuple(r) for r in rows] == [(10.0, "queued")]


def test_instances_starting_together_make_one_key(store):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        kids = list(pool.map(lambda _: ToolKeys(store).signing_key().kid, range(4)))
    with store.read() as c:
        rows = c.execute(sa.select(lti_keys.c.kid)).scalars().all()
    assert len(rows) == 1 and set(kids) == set(rows)
