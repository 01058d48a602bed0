"""The pages in a real headless Chromium: a student presses "Check my progress" and reads the command
line's table; the instructor's page follows the class without reloading."""

from __future__ import annotations

import pytest

from grader.model import RunResult, StudentResult
from grader.roster import Student
from tests.conftest import Account, new_student_id
from tests.server.conftest import TOKEN

pytest.importorskip("selenium", reason="selenium is not installed: pip install -e '.[test]'")

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def built(emulator):
    account = Account(emulator)
    done, partial = new_student_id("bd"), new_student_id("bp")
    account.build(done)
    account.build(partial)
    account.client("lambda").delete_function_concurrency(FunctionName=f"rate-limited-function-{partial}")
    return account, [Student(done, name="Ada Done"), Student(partial, name="Pat <b>Partial</b>")]


def wait(chrome, condition, timeout: float = 60):
    return WebDriverWait(chrome, timeout, poll_frequency=0.1).until(lambda _: condition())


def test_a_student_checks_their_progress_and_reads_the_table(chrome, built, start, sqlite_url):
    account, students = built
    sid = students[1].student_id
    server = start(sqlite_url, students)
    key = server.link_key(sid)
    chrome.get(f"{server.base}/s/{sid}?token={key}")
    button = chrome.find_element(By.ID, "check")
    assert button.text == "Check my progress"
    assert "No check yet" in chrome.find_element(By.ID, "result").text
    wait(chrome, button.is_enabled)
    button.click()
    wait(chrome, lambda: chrome.find_elements(By.CSS_SELECTOR, "#result table.result tr.task"))

    expected = account.grade_run(sid).students[0]
    rows = chrome.find_elements(By.CSS_SELECTOR, "#result tr.task")
    seen = [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")] for row in rows]
    assert seen == [[str(t.number), t.title, f"{t.score:g}/{t.max_score:g}", f"{mark(t.status.value)} {t.status.value.upper()}"]
                    for t in expected.tasks]
    failed = chrome.find_element(By.CSS_SELECTOR, '#result tr.check[data-check="7.2"]').text
    check = expected.check("7.2")
    assert check.title in failed and check.message in failed
    assert f"fix: {check.hint}" in failed and "put-function-concurrency" in failed
    assert chrome.find_element(By.ID, "score").text == "Score 97.5/100 — PASSED (pass mark 70)"
    assert chrome.find_element(By.ID, "message").text == "Graded."
    wait(chrome, lambda: chrome.find_element(By.ID, "cooldown").text.startswith("Next check in"))
    assert not button.is_enabled()
    wait(chrome, lambda: len(chrome.find_elements(By.CSS_SELECTOR, "#history li")) == 1)
    assert "97.5/100" in chrome.find_element(By.CSS_SELECTOR, "#history li").text
    assert chrome.find_elements(By.CSS_SELECTOR, "#timeline svg circle")

    # "As the command line prints it": the very text of the command line's table.
    chrome.find_element(By.CSS_SELECTOR, "#terminal-view summary").click()
    wait(chrome, lambda: chrome.find_element(By.ID, "terminal").text.strip())
    terminal = chrome.find_element(By.ID, "terminal").get_attribute("textContent")
    from grader.render import FORMATS

    assert terminal == FORMATS["table"].text(RunResult("lambda_medium", server.service.assessment.title, 70.0,
                                                       (StudentResult.from_dict(expected.to_dict(), 70.0),)))
    # A reload shows the same result, the attempt and the cooldown still running; no credential in the page.
    chrome.refresh()
    wait(chrome, lambda: chrome.find_elements(By.CSS_SELECTOR, "#result tr.task"))
    assert chrome.find_element(By.ID, "cooldown").text.startswith("Next check in")
    assert key not in chrome.page_source and TOKEN not in chrome.page_source
    assert "<b>" not in chrome.find_element(By.CSS_SELECTOR, ".who").get_attribute("innerHTML")  # escaped
    # A link with a wrong key opens nothing.
    chrome.get(f"{server.base}/s/{sid}?token=wrong")
    assert "not valid" in chrome.find_element(By.ID, "message").text


def mark(status: str) -> str:
    from grader.model import Status
    from grader.render.common import MARKS

    return MARKS[Status(status)]


def test_the_instructor_watches_the_class_live(chrome, built, start, sqlite_url):
    _, students = built
    done, partial = (s.student_id for s in students)
    server = start(sqlite_url, students, settings={"cooldown": 0})
    assert server.check(done).status == 200
    chrome.get(f"{server.base}/instructor?token={TOKEN}")
    assert chrome.current_url == f"{server.base}/instructor"  # the token leaves the address bar
    wait(chrome, lambda: chrome.find_elements(By.CSS_SELECTOR, f'#class-body tr[data-student="{done}"]'))

    # The page redraws itself every few seconds: read it in one go, in the page.
    def text(selector: str) -> str:
        return chrome.execute_script("const e = document.querySelector(arguments[0]); return e ? e.innerText : '';",
                                     selector)

    def row(sid: str) -> dict[str, str]:
        cells = chrome.execute_script(
            "const r = document.querySelector(arguments[0]); return r ? [...r.cells].map(c => c.innerText) : [];",
            f'#class-body tr[data-student="{sid}"]')
        return {"best": cells[2], "attempts": cells[4], "marks": "".join(cells[6:])}

    assert row(done) == {"best": "100", "attempts": "1", "marks": "✓" * 12}
    assert row(partial)["best"] == "—"
    # A check made elsewhere appears without reloading the page.
    assert server.check(partial, token=server.link_key(partial)).status == 200
    wait(chrome, lambda: row(partial)["best"] == "97.5")
    assert row(partial)["marks"] == "✓" * 6 + "◐" + "✓" * 5
    assert "1/2" in text('#task-rates tr[data-task="7"]')
    assert len(chrome.find_elements(By.CSS_SELECTOR, "#progress svg path.task-line")) == 12
    # Nobody has stalled for 30 minutes; everyone short of full marks has for 0.
    assert "Everyone has progressed recently." in text("#stalled")
    minutes = chrome.find_element(By.ID, "stalled-minutes")
    minutes.clear()
    minutes.send_keys("0\n")
    wait(chrome, lambda: partial in text("#stalled"))
    assert done not in text("#stalled")
    # A student's history.
    chrome.execute_script("document.querySelector(arguments[0]).click()",
                          f'#class-body tr[data-student="{partial}"] button')
    wait(chrome, lambda: "put-function-concurrency" in text("#detail-result"))
    assert text("#detail-id") == partial
    assert text("#detail-history").count("97.5/100") == 1
    assert "put-function-concurrency" in text("#detail-result")
    # "Grade everyone now", then the downloads, from the best or the latest attempt.
    chrome.find_element(By.ID, "grade-all").click()
    wait(chrome, lambda: "queued for grading" in text("#message"))
    wait(chrome, lambda: row(done)["attempts"] == "2")
    links = {a.get_attribute("data-format"): a.get_attribute("href")
             for a in chrome.find_elements(By.CSS_SELECTOR, "#downloads a")}
    assert links["canvas"] == f"{server.base}/api/class/report?format=canvas&attempt=best"
    from grader.render import FORMATS

    assert set(links) == set(FORMATS)  # the download list is the format registry's
    assert text('#downloads a[data-format="canvas"]') == FORMATS["canvas"].label
    chrome.find_element(By.CSS_SELECTOR, '#which option[value="latest"]').click()
    assert chrome.find_element(By.CSS_SELECTOR, '#downloads a[data-format="moodle"]').get_attribute("href").endswith(
        "format=moodle&attempt=latest")
    assert TOKEN not in chrome.page_source
    # "Log out" ends the session: the page's cookie no longer opens the class, and the login form is back.
    cookie = chrome.get_cookie("grader_instructor")["value"]
    chrome.find_element(By.ID, "log-out").click()
    wait(chrome, lambda: chrome.find_elements(By.CSS_SELECTOR, 'input[name="token"]'))
    assert chrome.get_cookie("grader_instructor") is None
    assert server.get("/api/class", token=None, headers={"Cookie": f"grader_instructor={cookie}"}).status == 401
