"""A whole LTI 1.3 launch in a real headless Chromium: from the course's link on the tests' platform,
through the tool's login redirect, the platform's auto-submitted form and the verified launch, to the
student's page; the student checks their progress and the score reaches the platform's gradebook by
itself. An instructor's launch opens the instructor's page."""

from __future__ import annotations

import time

import pytest

from grader.roster import Student
from grader.server.lti import Lti
from grader.server.lti.config import parse
from tests.conftest import Account, new_student_id
from tests.server.lti_platform import INSTRUCTOR, LtiPlatform, User

pytest.importorskip("selenium", reason="selenium is not installed: pip install -e '.[test]'")

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


def wait(chrome, condition, timeout: float = 60):
    return WebDriverWait(chrome, timeout, poll_frequency=0.1).until(lambda _: condition())


def test_a_student_launches_from_the_course_and_their_grade_flows_back(chrome, emulator, start, sqlite_url):
    account = Account(emulator)
    sid = new_student_id("lt")
    account.build(sid)
    account.client("lambda").delete_function_concurrency(FunctionName=f"rate-limited-function-{sid}")
    with LtiPlatform() as platform:
        platform.users = {"alice": User("lms-user-17", name="Alice", email=f"{sid}@school.example"),
                          "prof": User("lms-prof", name="Prof", roles=(INSTRUCTOR,))}

        def make(store, service):
            return Lti(parse(platform.config()), store, instance=service.instance, poll=0.05, sweep=1.0)

        server = start(sqlite_url, [Student(sid, name="Alice", email=f"{sid}@school.example")], lti=make)
        platform.tool = server.base

        started = time.monotonic()
        chrome.get(platform.login_url("alice"))
        wait(chrome, lambda: chrome.current_url.startswith(f"{server.base}/s/{sid}?token="))
        button = chrome.find_element(By.ID, "check")
        wait(chrome, button.is_enabled)
        print(f"launch to the student's page: {time.monotonic() - started:.2f} s")
        assert "Alice" in chrome.find_element(By.CSS_SELECTOR, ".who").text
        button.click()
        wait(chrome, lambda: chrome.find_elements(By.CSS_SELECTOR, "#result table.result tr.task"))
        assert chrome.find_element(By.ID, "score").text.startswith("Score 97.5/100")
        deadline = time.monotonic() + 30
        while not platform.scores:
            assert time.monotonic() < deadline, "no score reached the platform"
            time.sleep(0.05)
        [score] = platform.scores
        assert score["body"]["userId"] == "lms-user-17" and score["body"]["scoreGiven"] == 97.5
        assert score["body"]["scoreMaximum"] == 100.0 and score["body"]["gradingProgress"] == "FullyGraded"

        # The instructor, from the same course.
        chrome.delete_all_cookies()
        chrome.get(platform.login_url("prof"))
        wait(chrome, lambda: chrome.current_url == f"{server.base}/instructor")
        wait(chrome, lambda: chrome.find_elements(By.CSS_SELECTOR, f'#class-body tr[data-student="{sid}"]'))
        wait(chrome, lambda: "1 sent · 0 waiting · 0 failed\ngrades to the LMS" in chrome.find_element(By.ID, "summary").text)
        platform.memberships = [{"user_id": "lms-user-17", "email": f"{sid}@school.example",
                                 "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"]}]
        button = chrome.find_element(By.ID, "lms-roster")
        assert button.is_displayed()
        button.click()
        wait(chrome, lambda: "The LMS lists 1: 0 added, 1 linked, 0 skipped." in chrome.find_element(By.ID, "message").text)
