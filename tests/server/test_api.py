"""The class server's HTTP contract on the embedded emulator: a check is the command line's grade, the
cooldown, who may ask what, attempts and the class view, every report, the deadline, bad input."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import xml.etree.ElementTree as ET
import zipfile

import pytest

from grader.roster import Student
from tests.conftest import Account, new_student_id
from tests.server.conftest import TOKEN, http

CONTRACT_EXTRAS = {"attempt_id", "graded_at", "trigger", "late", "retry_after"}


@pytest.fixture(scope="module")
def built(emulator):
    """Three students: complete, missing task 7's reserved concurrency, not started."""
    account = Account(emulator)
    done, partial, idle = new_student_id("ok"), new_student_id("part"), new_student_id("idle")
    account.build(done)
    account.build(partial)
    account.client("lambda").delete_function_concurrency(FunctionName=f"rate-limited-function-{partial}")
    return {"account": account, "done": done, "partial": partial, "idle": idle,
            "students": [Student(done, name="Ada Done", email="ada@school.example", extra=(("section", "B-2"),)),
                         Student(partial, name="=Partial, Pat", email="pat@school.example"),
                         Student(idle)]}


@pytest.fixture
def server(built, start, sqlite_url):
    return start(sqlite_url, built["students"])


def without_extras(body: dict) -> dict:
    return {k: v for k, v in body.items() if k not in CONTRACT_EXTRAS | {"name", "email"}}


def test_health(server):
    reply = server.get("/healthz", token=None)
    assert reply.status == 200 and reply.json() == {"ok": True}


def test_a_check_is_the_command_line_s_grade_with_its_attempt(server, built):
    reply = server.check(built["partial"])
    assert reply.status == 200, reply.text
    body = reply.json()
    expected = built["account"].grade_run(built["partial"]).students[0].to_dict()
    assert without_extras(body) == expected
    assert body["score"] == 97.5 and body["tasks"][6]["status"] == "partial"
    assert isinstance(body["attempt_id"], int) and body["trigger"] == "instructor" and body["late"] is False
    graded = dt.datetime.fromisoformat(body["graded_at"])
    assert abs((dt.datetime.now(dt.timezone.utc) - graded).total_seconds()) < 60
    assert body["name"] == "=Partial, Pat"


def test_the_cooldown_answers_429_with_retry_after(server, built):
    assert server.check(built["done"]).status == 200
    again = server.check(built["done"])
    assert again.status == 429
    assert 58 <= again.json()["retry_after"] <= 60 and again.headers["retry-after"] == str(again.json()["retry_after"])
    assert "error" in again.json()


def test_who_may_ask_what(server, built):
    done, partial = built["done"], built["partial"]
    key = server.link_key(done)
    assert server.check(done, token=None).status == 401
    assert server.check(done, token="not-the-token").status == 401
    assert server.check("nobody42", token=TOKEN).status == 404
    assert server.check("../../etc", token=TOKEN).status == 404
    assert server.check("nobody42", token=key).status == 401  # a link says nothing about the class
    # A student's link opens their own page and API, and nothing else.
    reply = server.check(done, token=key)
    assert reply.status == 200 and reply.json()["trigger"] == "student"
    assert server.get(f"/api/students/{done}/attempts?token={key}", token=None).status == 200
    assert server.get(f"/s/{done}?token={key}", token=None).status == 200
    for path in (f"/api/students/{partial}/attempts", f"/s/{partial}", f"/api/students/{partial}"):
        assert server.get(path, token=key).status == 401, path
    assert server.check(partial, token=key).status == 401
    for path in ("/api/class", "/api/class/report?format=csv"):
        assert server.get(path, token=key).status == 401, path
    assert http("POST", f"{server.base}/api/class/check", key).status == 401
    assert server.get(f"/s/{done}", token=None).status == 401
    assert server.get("/instructor", token=None, headers={"Accept": "text/html"}).status == 401
    assert server.get(f"/instructor?token={key}", token=None).status == 401


def test_attempts_newest_first_with_their_trigger(built, start, sqlite_url):
    server = start(sqlite_url, built["students"], settings={"cooldown": 0})
    sid = built["partial"]
    first = server.check(sid, token=server.link_key(sid)).json()
    second = server.check(sid).json()
    reply = server.get(f"/api/students/{sid}/attempts")
    assert reply.status == 200
    attempts = reply.json()["attempts"]
    assert [(a["attempt_id"], a["trigger"], a["score"]) for a in attempts] == [
        (second["attempt_id"], "instructor", 97.5), (first["attempt_id"], "student", 97.5)]
    assert attempts[0]["graded_at"] >= attempts[1]["graded_at"]
    one = server.get(f"/api/students/{sid}/attempts/{first['attempt_id']}").json()
    assert without_extras(one) == without_extras(first)
    assert server.get(f"/api/students/{sid}/attempts/999999").status == 404
    assert server.get(f"/api/students/{sid}/attempts/x1").status == 404
    other = built["done"]
    assert server.get(f"/api/students/{other}/attempts/{first['attempt_id']}").status == 404
    # The command line's own table, as the student's page shows it under "as the command line prints it".
    from grader.model import RunResult, StudentResult
    from grader.render import FORMATS

    table = server.get(f"/api/students/{sid}/attempts/{first['attempt_id']}?format=table").text
    run = RunResult("lambda_medium", server.service.assessment.title, 70.0,
                    (StudentResult.from_dict(first, 70.0),))
    assert table == FORMATS["table"].text(run) and "put-function-concurrency" in table


def test_the_class_view(server, built):
    server.check(built["done"])
    server.check(built["partial"])
    reply = server.get("/api/class?stalled_minutes=0")
    assert reply.status == 200
    data = reply.json()
    students = {s["student_id"]: s for s in data["students"]}
    assert set(students) == {built["done"], built["partial"], built["idle"]}
    done, partial, idle = students[built["done"]], students[built["partial"]], students[built["idle"]]
    assert (done["best_score"], done["latest_score"], done["attempts"]) == (100, 100, 1)
    assert set(done["first_full_marks"]) == {str(n) for n in range(1, 13)}
    assert "7" not in partial["first_full_marks"] and partial["best_score"] == 97.5
    assert (idle["best_score"], idle["latest_score"], idle["attempts"], idle["first_full_marks"]) == (None, None, 0, {})
    assert partial["stalled"] and idle["stalled"] and not done["stalled"]  # no progress for 0 minutes
    assert not any(s["stalled"] for s in server.get("/api/class?stalled_minutes=30").json()["students"])
    assert [t["number"] for t in data["tasks"]] == list(range(1, 13))


def test_every_report_format_from_the_best_or_latest_attempt(built, start, sqlite_url):
    server = start(sqlite_url, built["students"], settings={"cooldown": 0})
    account, sid = built["account"], built["done"]
    server.check(sid)  # 100
    account.client("lambda").delete_function_concurrency(FunctionName=f"rate-limited-function-{sid}")
    try:
        server.check(sid)  # 97
    finally:
        account.client("lambda").put_function_concurrency(FunctionName=f"rate-limited-function-{sid}",
                                                          ReservedConcurrentExecutions=5)
    server.check(built["partial"])

    def report(fmt: str, which: str = "best"):
        reply = server.get(f"/api/class/report?format={fmt}&attempt={which}")
        assert reply.status == 200, reply.text
        assert f'filename="lambda_medium-{which}.' in reply.headers["content-disposition"]
        return reply

    # The registry drives the API: every registered format is served, with its media type and extension.
    from grader.render import FORMATS

    for name, renderer in FORMATS.items():
        reply = report(name)
        assert reply.headers["content-type"].split(";")[0] == renderer.media_type, name
        assert reply.headers["content-disposition"].endswith(f'-best.{renderer.extension}"'), name
        assert ("charset=utf-8" in reply.headers["content-type"]) == (name != "gradescope"), name
    assert set(FORMATS) >= {"canvas", "moodle", "gradescope", "table"}  # the server's formats are all registered

    # Every report lists the whole class: the student who never checked has a row saying so.
    best = json.loads(report("json").body)
    assert {s["student_id"]: s["score"] for s in best["students"]} == {sid: 100, built["partial"]: 97.5, built["idle"]: 0}
    idle = next(s for s in best["students"] if s["student_id"] == built["idle"])
    assert idle["complete"] is False and idle["notes"] == ["no attempt yet: nothing counted for this student"]
    latest = json.loads(report("json", "latest").body)
    assert {s["student_id"]: s["score"] for s in latest["students"]} == {sid: 97.5, built["partial"]: 97.5,
                                                                          built["idle"]: 0}
    rows = list(csv.DictReader(io.StringIO(report("csv", "latest").text)))
    assert {r["student_id"]: r["score"] for r in rows} == {sid: "97.5", built["partial"]: "97.5", built["idle"]: "0"}
    assert {r["student_id"]: r["section"] for r in rows} == {sid: "B-2", built["partial"]: "", built["idle"]: ""}
    assert ET.fromstring(report("junit").body).get("tests") == "186"
    assert "| Student |" in report("markdown").text
    assert "<html" in report("html").text.lower()
    assert sid in report("table").text
    with zipfile.ZipFile(io.BytesIO(report("gradescope").body)) as archive:
        assert sorted(archive.namelist()) == sorted([f"{sid}.json", f"{built['partial']}.json"])

    canvas = list(csv.reader(io.StringIO(report("canvas").text)))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                         "AWS Lambda — advanced serverless patterns (Medium) (lambda_medium)"]
    assert canvas[1] == ["    Points Possible", "", "", "", "", "100"]
    assert sorted(canvas[2:]) == sorted([["Ada Done", "", sid, "ada@school.example", "B-2", "100"],
                                         ["'=Partial, Pat", "", built["partial"], "pat@school.example", "", "97.5"],
                                         [built["idle"], "", built["idle"], "", "", ""]])  # a formula neutralised
    named = list(csv.reader(io.StringIO(server.get(
        "/api/class/report?format=canvas&attempt=latest&assignment=Lambda%20lab&assignment_id=4242").text)))
    assert named[0][5] == "Lambda lab (4242)"
    assert {row[2]: row[5] for row in named[2:]}[sid] == "97.5"

    moodle = list(csv.DictReader(io.StringIO(report("moodle").text)))
    assert sorted((r["ID number"], r["Email address"], r["AWS Lambda — advanced serverless patterns (Medium)"])
                  for r in moodle) == sorted([(sid, "ada@school.example", "100"),
                                              (built["partial"], "pat@school.example", "97.5"), (built["idle"], "", "")])
    ada = next(r for r in moodle if r["ID number"] == sid)
    assert (ada["First name"], ada["Last name"]) == ("Ada", "Done")


def test_attempts_after_the_deadline_are_kept_but_not_counted(built, start, sqlite_url):
    server = start(sqlite_url, built["students"], settings={"deadline": dt.datetime(2020, 1, 1)})
    reply = server.check(built["done"])
    assert reply.status == 200 and reply.json()["late"] is True
    attempts = server.get(f"/api/students/{built['done']}/attempts").json()["attempts"]
    assert len(attempts) == 1 and attempts[0]["late"] is True
    entry = {s["student_id"]: s for s in server.get("/api/class").json()["students"]}[built["done"]]
    assert (entry["best_score"], entry["latest_score"], entry["attempts"], entry["late_attempts"]) == (None, None, 1, 1)
    counted = json.loads(server.get("/api/class/report?format=json").body)["students"]
    assert {s["student_id"]: (s["score"], s["notes"]) for s in counted} == {
        s.student_id: (0.0, ["no attempt yet: nothing counted for this student"]) for s in built["students"]}
    canvas = list(csv.reader(io.StringIO(server.get("/api/class/report?format=canvas").text)))
    assert {row[2]: row[5] for row in canvas[2:]}[built["done"]] == ""


@pytest.mark.parametrize("method, path", [
    ("GET", "/api/class/report?format=exe"), ("GET", "/api/class/report?format=csv&attempt=worst"),
    ("GET", "/api/class?stalled_minutes=soon"), ("GET", "/api/class?stalled_minutes=nan"),
    ("GET", "/api/class?stalled_minutes=-1"), ("GET", "/nothing/here"), ("DELETE", "/api/class"),
    ("GET", "/api/students/%00/attempts"), ("GET", "/api/students/" + "x" * 5000 + "/attempts"),
    ("POST", "/api/students/{sid}/attempts"), ("GET", "/api/students/{sid}/attempts/-1"),
    ("POST", "/instructor/login"),
])
def test_bad_input_gets_a_4xx_json_error_never_a_traceback(server, built, method, path):
    reply = http(method, server.base + path.format(sid=built["done"]), TOKEN, data=b"\xff{not json" if method == "POST" else None)
    assert 400 <= reply.status < 500, (reply.status, reply.text)
    assert "traceback" not in reply.text.lower() and "File \"" not in reply.text
    if path != "/instructor/login":
        assert reply.headers["content-type"].startswith("application/json")
        assert "error" in reply.json()


def test_no_credential_in_any_page_log_or_error(server, built, caplog):
    sid = built["done"]
    key = server.link_key(sid)
    caplog.set_level(logging.INFO)
    pages = [server.get(f"/s/{sid}?token={key}", token=None), server.get(f"/instructor?token={TOKEN}", token=None),
             server.get(f"/s/{sid}?token=wrong-{key}", token=None), server.get("/instructor?token=wrong", token=None),
             server.check(sid, token=key), server.check(sid, token=key), server.get(f"/api/class?token={TOKEN}")]
    assert [p.status for p in pages] == [200, 200, 401, 401, 200, 429, 200]
    for reply in pages:
        assert key not in reply.text and TOKEN not in reply.text
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert f"/s/{sid}" in logged  # the access log has the path...
    assert key not in logged and TOKEN not in logged  # ...and never the query


def test_the_instructor_cookie(server, built):
    page = server.get(f"/instructor?token={TOKEN}", token=None)
    assert page.status == 200
    cookie = page.headers["set-cookie"]
    assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower() and TOKEN not in cookie
    value = cookie.split(";")[0]
    assert server.get("/api/class", token=None, headers={"Cookie": value}).status == 200
    assert server.get("/instructor", token=None, headers={"Cookie": value}).status == 200
    forged = http("POST", f"{server.base}/api/class/check", headers={"Cookie": value})
    assert forged.status == 403  # a cross-site form could send the cookie, not this header
    reply = http("POST", f"{server.base}/api/class/check", headers={"Cookie": value, "X-Requested-With": "grader"})
    assert reply.status == 202 and reply.json()["queued"] == 3
    assert server.get("/api/class", token=None, headers={"Cookie": "grader_instructor=forged"}).status == 401


def test_a_fault_of_the_server_is_a_json_500_without_its_traceback(server, built, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError(f"secret detail {TOKEN}")

    monkeypatch.setattr(server.store, "class_view", broken)
    reply = server.get("/api/class")
    assert reply.status == 500 and reply.json() == {"error": "internal error"}
    assert "secret detail" not in reply.text


def test_the_instructor_token_in_the_query_and_the_report_s_attempt(server, built):
    assert server.get(f"/api/class?token={TOKEN}", token=None).status == 200
    assert server.get("/api/class?token=wrong", token=None).status == 401
    server.check(built["done"])
    reply = server.get("/api/class/report?format=json&attempt=latest", token=None, headers={
        "Authorization": f"Bearer {TOKEN}"})
    assert reply.status == 200 and 'lambda_medium-latest.json' in reply.headers["content-disposition"]
