"""The instructor's sessions and the failed-credentials limit, on their own (a real class database, a
clock of the test's): issue 24's "the cookie never expires" and "no rate limit"."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from grader.server import db
from grader.server.access import Sessions, revoke_sessions
from grader.server.limits import FailedLogins
from grader.server.store import Store

TOKEN = "teacher-token-for-tests"


class Clock:
    def __init__(self, now: float = 1_750_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store(tmp_path):
    engine = db.open_engine(f"sqlite:///{tmp_path / 'class.sqlite3'}")
    db.upgrade(engine)
    opened = Store(engine)
    opened.open_class("lambda_medium")
    yield opened
    engine.dispose()


def sessions(store, clock, token=TOKEN, **options) -> Sessions:
    return Sessions(store, store.meta("secret"), token, clock=clock, **options)


def test_a_session_ends_when_its_lifetime_is_over(store):
    clock = Clock()
    made = sessions(store, clock, lifetime=3600)
    cookie = made.issue()
    assert made.valid(cookie)
    clock.now += 3599
    assert made.valid(cookie)
    clock.now += 1
    assert not made.valid(cookie)


def test_a_session_cannot_be_forged_altered_or_dated_ahead(store):
    clock = Clock()
    made = sessions(store, clock)
    cookie = made.issue()
    issued, mac = cookie.split(".")
    for wrong in (
        None,
        "",
        "x",
        f"{issued}.",
        f"{int(issued) + 1}.{mac}",
        f"{issued}.{mac[:-1]}{'1' if mac.endswith('0') else '0'}",  # one hex digit changed
        f"{issued}.{mac.upper()}",
        f"²{issued}.{mac}",
        f"{issued}.{mac}.x",
    ):
        assert not made.valid(wrong), wrong
    later = int(clock.now) + 3600  # a mac made for the future (the key known) is still refused
    assert not made.valid(f"{later}.{made.mac(later, made.current())}")
    assert not sessions(store, clock, token="another-token").valid(cookie)  # a new --token ends them


def test_logging_out_ends_every_session_on_every_instance(store):
    clock = Clock()
    here, there = sessions(store, clock, refresh=0), sessions(store, clock, refresh=0)
    mine, theirs = here.issue(), there.issue()
    assert here.valid(theirs) and there.valid(mine)  # instances sharing the database share sessions
    here.revoke()
    assert not here.valid(mine) and not there.valid(theirs)
    fresh = there.issue()
    assert here.valid(fresh)
    revoke_sessions(store)  # serve --revoke-sessions
    assert not here.valid(fresh)


def test_the_old_cookie_that_never_ended_is_refused(store):
    """The cookie before issue 24: one HMAC of the token, the same for ever."""
    secret = store.meta("secret")
    old = hmac.new(
        bytes.fromhex(secret), b"instructor:" + hashlib.sha256(TOKEN.encode()).digest(), hashlib.sha256
    ).hexdigest()
    assert not sessions(store, Clock()).valid(old)


def test_failed_credentials_are_limited_per_client_in_a_sliding_window():
    clock = Clock(0.0)
    limit = FailedLogins(attempts=3, window=60, clock=clock)
    for _ in range(3):
        assert limit.retry_after("10.0.0.1") == 0
        limit.failed("10.0.0.1")
        clock.now += 10
    assert limit.retry_after("10.0.0.1") == pytest.approx(30)  # the first failure, at 0, leaves at 60
    assert limit.retry_after("10.0.0.2") == 0  # another client is not concerned
    clock.now = 60
    assert limit.retry_after("10.0.0.1") == 0
    limit.failed("10.0.0.1")  # failures at 10, 20, 60: shut again until 70
    assert limit.retry_after("10.0.0.1") == pytest.approx(10)


def test_the_limit_remembers_a_bounded_number_of_clients_and_failures():
    limit = FailedLogins(attempts=3, window=60, clients=100, clock=Clock(0.0))
    for n in range(1000):
        limit.failed(f"client-{n}")
    for _ in range(1000):
        limit.failed("client-999")
    assert len(limit.failures) == 100 and len(limit.failures["client-999"]) == 3
