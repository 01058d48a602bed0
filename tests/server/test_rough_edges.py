"""The class server as a new user first meets it (issue 20, item 6): the instructor's page before anyone
checked (no "null" cards, no "Everyone has progressed"), reports that list the whole class, fixes that
never break inside a word, and a sandbox that prints what it takes to use it and keeps it across starts."""

from __future__ import annotations

import re

import pytest

from grader.model import CheckResult, Status, StudentResult, TaskResult
from grader.roster import Student
from tests.server.conftest import TOKEN

HINT = ("aws lambda put-function-concurrency --function-name rate-limited-function-ann01 "
        "--reserved-concurrent-executions 5")
STUDENTS = [Student("ann01", name="Ann", email="ann@school.example"), Student("ben02", name="Ben")]


def record(server, sid: str) -> int:
    """A hand-built attempt (task 7.2 failed, with its fix), recorded as a worker would."""
    server.store.request_check(sid, "student", 0)
    [job] = server.store.claim("hand", 1, 30)
    task = TaskResult(7, "Reserved concurrency", (
        CheckResult("7.1", "The function exists", Status.PASS, 3.0, 3.0, "found"),
        CheckResult("7.2", "Reserved concurrency is 5", Status.FAIL, 0.0, 3.0,
                    "reserved concurrency is not set (expected 5)", HINT)))
    return server.store.record(job, StudentResult(sid, "123456789012", "us-east-1", (task,), 70.0), "hand", "test")


@pytest.fixture
def idle(start, sqlite_url):
    """A class nobody has checked yet, its workers off (attempts are recorded by hand)."""
    return start(sqlite_url, STUDENTS, service_options={"workers": 0})


@pytest.mark.parametrize("fmt", ["csv", "table", "markdown", "json", "junit", "html"])
def test_reports_list_every_student_of_the_class(idle, fmt):
    record(idle, "ann01")
    answer = idle.get(f"/api/class/report?format={fmt}")
    assert answer.status == 200
    assert "ann01" in answer.text and "ben02" in answer.text  # ben has no attempt: still a row
    assert "no attempt yet" in answer.text


def test_gradebooks_still_leave_a_student_without_an_attempt_blank(idle):
    record(idle, "ann01")
    rows = idle.get("/api/class/report?format=canvas").text.splitlines()
    assert rows[2] == "Ann,,ann01,ann@school.example,,3"
    assert rows[3] == "Ben,,ben02,,,"


def test_the_instructor_page_before_and_after_the_first_check(idle, chrome):
    from selenium.webdriver.support.ui import WebDriverWait

    def text(selector: str) -> str:
        return chrome.execute_script("const e = document.querySelector(arguments[0]); return e ? e.innerText : '';",
                                     selector)

    chrome.get(f"{idle.base}/instructor?token={TOKEN}")
    WebDriverWait(chrome, 30).until(lambda _: text("#summary"))
    assert "null" not in text("#summary")  # no schedule, no deadline: no card, not the text "null"
    assert "—\nmean best score" in text("#summary")  # not a mean of nobody's 0
    assert text("#stalled") == "Nobody has checked yet."
    assert "LMS" not in text("#summary") and not chrome.find_element("id", "lms-roster").is_displayed()  # no --lti
    record(idle, "ann01")
    WebDriverWait(chrome, 30).until(lambda _: "Everyone has progressed recently." in text("#stalled"))
    assert "null" not in text("#summary")


def test_a_fix_wraps_between_words_never_inside_one(idle, chrome):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    record(idle, "ann01")
    chrome.set_window_size(420, 1200)  # narrower than the command: it must wrap
    try:
        chrome.get(f"{idle.base}/s/ann01?token={idle.link_key('ann01')}")
        WebDriverWait(chrome, 30).until(lambda _: chrome.find_elements(By.CSS_SELECTOR, "#result .fix code"))
        lines = chrome.execute_script("""
            const code = document.querySelector('#result .fix code');
            return [...code.querySelectorAll('.word')].map(w => [w.textContent, w.getClientRects().length,
                                                                 Math.round(w.getBoundingClientRect().top)]);""")
        assert "".join(word for word, _, _ in lines) == HINT.replace(" ", "")  # the whole command, word by word
        assert all(boxes == 1 for _, boxes, _ in lines), lines  # no word broken over two lines
        assert len({top for _, _, top in lines}) > 1  # and the command did wrap, between words
        code = chrome.find_element(By.CSS_SELECTOR, "#result .fix code").get_attribute("textContent")
        assert code == HINT  # copied as it is
    finally:
        chrome.set_window_size(1280, 1600)


def test_the_sandbox_prints_its_shell_lines_and_links_and_keeps_them(serve, tmp_path):
    args = ["lambda_medium", "--sandbox", "-s", "ann01", "-s", "ben02", "--port", "0",
            "--db", str(tmp_path / "class.sqlite3")]
    outputs = []
    for _ in range(2):
        served = serve(*args, env={"GRADER_TOKEN": ""})
        outputs.append(served.out.read_text())
        assert served.stop() == 0
    first, second = outputs
    for out in outputs:
        assert "unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN" in out
        assert 'aws() { command aws --endpoint-url "$AWS_ENDPOINT_URL" "$@"; }' in out  # keeps aws sqs in it
        assert re.search(r"^    ann01\thttp://127\.0\.0\.1:\d+/s/ann01\?token=[\w-]{32}$", out, re.M)
        assert re.search(r"^    ben02\thttp://", out, re.M)

    def kept(out: str) -> tuple[str, str]:
        return (re.search(r"instructor: \S+\?token=(\S+)", out).group(1),
                re.search(r"export AWS_ENDPOINT_URL=(\S+)", out).group(1))

    assert kept(first) == kept(second)  # the instructor's token and the emulator's address survive a restart
