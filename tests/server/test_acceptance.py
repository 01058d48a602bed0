"""Done when: a class of 30 on the sandbox is served, checked by students in a browser, graded on a
schedule and exported to Canvas — all through ``validate_tasks.py serve`` as an instructor runs it."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import time

import pytest

from tests.server.conftest import ROOT, TOKEN, http

pytest.importorskip("selenium", reason="selenium is not installed: pip install -e '.[test]'")

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

# The demo class (grader/server/demo.py): by position, complete; missing task 7's reserved concurrency;
# also missing task 12's alarms; not started.
DEMO_SCORES = [100, 97.5, 87.5, 0]


def test_a_class_of_30_served_checked_in_a_browser_graded_on_a_schedule_and_exported(serve, chrome, tmp_path):
    database = str(tmp_path / "class.sqlite3")
    server = serve("lambda_medium", "--sandbox", "--every", "0.05", "--port", "0", "--db", database,
                   env={"GRADER_TOKEN": TOKEN})
    links = subprocess.run([sys.executable, "validate_tasks.py", "serve", "lambda_medium", "--sandbox", "--db", database,
                            "--links", "--public-url", server.base], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert links.returncode == 0, links.stderr
    links = dict(line.split("\t") for line in links.stdout.splitlines())
    assert len(links) == 30
    expected = {sid: DEMO_SCORES[index % 4] for index, sid in enumerate(sorted(links))}

    for sid in ("demo02", "demo03"):  # two students check in the browser
        chrome.get(links[sid])
        button = chrome.find_element(By.ID, "check")
        WebDriverWait(chrome, 60).until(lambda _, button=button: button.is_enabled())
        button.click()
        WebDriverWait(chrome, 120, poll_frequency=0.1).until(
            lambda _: chrome.find_element(By.ID, "message").text == "Graded.")
        assert chrome.find_element(By.ID, "score").text.startswith(f"Score {expected[sid]}/100")
        assert len(chrome.find_elements(By.CSS_SELECTOR, "#result tr.task")) == 12
        assert "put-function-concurrency" in chrome.find_element(By.ID, "result").text

    deadline = time.monotonic() + 120  # the schedule grades the rest, nobody clicking
    while True:
        view = http("GET", f"{server.base}/api/class", TOKEN).json()
        if all(s["attempts"] >= 1 for s in view["students"]):
            break
        assert time.monotonic() < deadline, [s["student_id"] for s in view["students"] if not s["attempts"]]
        time.sleep(0.5)
    triggers = {a["trigger"] for sid in ("demo01", "demo02") for a in
                http("GET", f"{server.base}/api/students/{sid}/attempts", TOKEN).json()["attempts"]}
    assert {"schedule", "student"} <= triggers

    chrome.get(f"{server.base}/instructor?token={TOKEN}")
    WebDriverWait(chrome, 30).until(lambda _: len(chrome.find_elements(By.CSS_SELECTOR, "#class-body tr")) == 30)

    reply = http("GET", f"{server.base}/api/class/report?format=canvas&attempt=best", TOKEN)
    assert reply.status == 200 and reply.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(reply.text)))
    assert rows[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert rows[0][5].endswith("(lambda_medium)") and rows[1][0].strip() == "Points Possible"
    assert {row[2]: float(row[5]) for row in rows[2:]} == expected
    assert all(row[3] == f"{row[2]}@school.example" for row in rows[2:])
    assert server.stop() == 0
