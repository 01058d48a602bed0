"""Bad input of every kind a new user gives is one line on stderr and exit 2 (3 for an endpoint that
cannot be graded against): never a traceback, a page of HTML, or the wrong exit code (issue 21)."""

from __future__ import annotations

import http.server
import json
import threading
from pathlib import Path

import pytest

from tests.conftest import new_student_id
from tests.test_cli import assert_one_line_error, cli, emulator_env

FAKE_KEYS = {"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y"}


@pytest.mark.parametrize("mark", ["nan", "NaN", "inf", "-inf", "150", "-1"])
def test_a_pass_mark_that_is_no_percentage_is_refused(mark):
    # nan passes every range check (no comparison with it is true): it used to grade, and to print
    # "pass_mark": NaN, which is not JSON.
    assert_one_line_error(cli("lambda_medium", "-s", "a", "--pass-mark", mark, env=FAKE_KEYS), 2, "--pass-mark")


@pytest.mark.parametrize(
    "option, value", [("--cooldown", "nan"), ("--cooldown", "inf"), ("--every", "nan"), ("--pass-mark", "nan")]
)
def test_the_servers_numbers_refuse_nan_too(option, value, tmp_path):
    # Accepted, the server would start (and serve until the timeout): hence its own database and any port.
    result = cli(
        "serve",
        "lambda_medium",
        "--sandbox",
        "--port",
        "0",
        "--db",
        str(tmp_path / "class.sqlite3"),
        option,
        value,
        timeout=60,
    )
    assert_one_line_error(result, 2, option)


def test_the_run_refuses_a_pass_mark_that_is_no_percentage():
    from grader.run import RunError, RunOptions, grade

    with pytest.raises(RunError, match="pass mark"):
        grade(RunOptions("lambda_medium", ("a",), pass_mark=float("nan")))


@pytest.mark.parametrize("value", ["-1", "-0.5", "=-1", "nan", "0"])
def test_watch_with_a_bad_interval_says_so(value):
    args = ["--watch" + value] if value.startswith("=") else ["--watch", value]
    result = cli("lambda_medium", "-s", "a", *args, env=FAKE_KEYS)
    assert_one_line_error(result, 2, "Invalid value for '--watch'")
    assert "No such option" not in result.stderr


def test_a_negative_number_after_the_end_of_options_is_left_alone():
    from grader.arguments import negative_values_given

    assert negative_values_given(["x", "--", "--watch", "-1"]) == ["x", "--", "--watch", "-1"]
    assert negative_values_given(["x", "--watch", "-s", "a"]) == ["x", "--watch", "-s", "a"]


@pytest.mark.parametrize(
    "sid, shown",
    [
        ("nc01\n", r"'nc01\n'"),
        ("nc01\r\n", r"'nc01\r\n'"),
        (" nc01", "' nc01'"),
        ("nc01\t", r"'nc01\t'"),
        ("nc01\u202e", r"'nc01\u202e'"),
        ("-", "'-'"),
        ("__", "'__'"),
        ("--", "'--'"),
    ],
)
def test_an_id_with_control_or_space_characters_is_refused_and_shown(sid, shown):
    result = cli("lambda_medium", "-s", sid, env=FAKE_KEYS)
    assert_one_line_error(result, 2, "invalid student ID", shown)


def test_an_id_ending_in_a_newline_is_refused_before_the_sandbox_starts():
    result = cli("lambda_medium", "--sandbox", "-s", "nc01\n")
    assert_one_line_error(result, 2, "invalid student ID", r"'nc01\n'")


def test_a_roster_id_with_a_newline_inside_its_quotes_is_refused(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text('student_id\n"nc01\nx"\n', encoding="utf-8")
    assert_one_line_error(
        cli("lambda_medium", "--roster", str(roster), env=FAKE_KEYS), 2, "row 2", "invalid student ID"
    )


def test_an_over_long_id_is_shown_cut_with_an_ellipsis():
    result = cli("lambda_medium", "-s", "a" * 90, env=FAKE_KEYS)
    assert_one_line_error(result, 2, "invalid student ID", "a" * 60 + "…'", "(90 characters)")
    assert "a" * 61 not in result.stderr


def test_ids_that_are_fine_stay_fine():
    from grader.roster import from_ids

    assert [s.student_id for s in from_ids(["nc01", "a", "-a", "a_b-c", "9", "x" * 40])] == [
        "nc01",
        "a",
        "-a",
        "a_b-c",
        "9",
        "x" * 40,
    ]


# --- reports: the places they are written ------------------------------------------------------------


def test_a_report_named_as_an_existing_folder_is_refused(tmp_path):
    result = cli("lambda_medium", "-s", "a", "--report", f"json={tmp_path}", env=FAKE_KEYS)
    assert_one_line_error(result, 2, "is a folder", str(tmp_path / "report.json"))


@pytest.mark.skipif(not Path("/proc/version").is_file(), reason="needs Linux's /proc")
def test_a_report_where_nothing_can_be_written_is_refused_before_grading():
    assert_one_line_error(
        cli("lambda_medium", "-s", "a", "--report", "json=/proc/version", env=FAKE_KEYS), 2, "cannot write in /proc"
    )


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
def test_a_report_over_a_device_is_refused():
    # Written atomically (a new file moved over the name), it would replace the device itself.
    assert_one_line_error(
        cli("lambda_medium", "-s", "a", "--report", "csv=/dev/null", env=FAKE_KEYS), 2, "not a regular file"
    )


def test_gradescope_for_several_students_at_a_file_is_refused(account, tmp_path):
    target = tmp_path / "results.json"
    target.write_text("{}", encoding="utf-8")
    first = new_student_id("gs")
    result = cli(
        "lambda_medium",
        "-s",
        first,
        "-s",
        first + "b",
        "--report",
        f"gradescope={target}",
        env=emulator_env(account.emulator),
    )
    assert_one_line_error(result, 2, "is a file", "name a folder")
    assert result.stdout == ""  # refused before anything is graded


def test_gradescope_for_one_student_at_a_folder_is_refused(account, tmp_path):
    result = cli(
        "lambda_medium",
        "-s",
        new_student_id("gs"),
        "--report",
        f"gradescope={tmp_path}",
        env=emulator_env(account.emulator),
    )
    assert_one_line_error(result, 2, "is a folder", "results.json")


def test_a_report_that_fails_while_grading_is_one_line(account, tmp_path, monkeypatch):
    from grader.render import files
    from grader.run import RunError, RunOptions, grade

    def full(path, content):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files, "write_atomic", full)
    options = RunOptions(
        "lambda_medium",
        (new_student_id("full"),),
        endpoint_url=account.emulator.url,
        credentials=account.credentials,
        reports=(f"json={tmp_path / 'r.json'}",),
    )
    with pytest.raises(RunError, match="cannot write --report json=.*No space left on device") as raised:
        grade(options)
    assert raised.value.exit_code == 2


# --- endpoints -------------------------------------------------------------------------------------


class NotAws(http.server.BaseHTTPRequestHandler):
    """A web server that is not AWS: every request answered with an HTML error page."""

    def do_POST(self) -> None:  # noqa: N802  (the standard library's name)
        page = b"<!DOCTYPE HTML>\n<html>\n<head><title>Error</title></head>\n<body>\n<h1>501</h1>\n</body>\n</html>\n"
        self.send_response(501)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)

    do_GET = do_POST

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def not_aws():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), NotAws)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_an_endpoint_that_is_not_aws_is_one_line_without_its_page(not_aws):
    result = cli("lambda_medium", "-s", "a", "--endpoint-url", not_aws, env=FAKE_KEYS)
    assert_one_line_error(result, 3, "cannot start grading against", not_aws, "not an AWS response")
    assert "<" not in result.stderr


def test_an_endpoint_from_the_environment_says_so(not_aws):
    result = cli("lambda_medium", "-s", "a", env={**FAKE_KEYS, "AWS_ENDPOINT_URL": not_aws})
    assert_one_line_error(result, 3, "AWS_ENDPOINT_URL")


@pytest.mark.parametrize(
    "value, fragment", [("not a url", "expected http(s)://"), ("http://127.0.0.1:99999", "bad port")]
)
def test_an_invalid_endpoint_from_the_environment_says_where_it_came_from(value, fragment):
    result = cli("lambda_medium", "-s", "a", env={**FAKE_KEYS, "AWS_ENDPOINT_URL": value})
    assert_one_line_error(result, 2, "invalid endpoint URL", "from the environment's AWS_ENDPOINT_URL", fragment)
    given = cli("lambda_medium", "-s", "a", "--endpoint-url", value, env=FAKE_KEYS)
    assert_one_line_error(given, 2, "invalid endpoint URL")
    assert "environment" not in given.stderr


def test_an_unparseable_answer_is_one_short_line():
    from botocore.parsers import ResponseParserError

    from grader.aws.errors import classify

    body = "<html>\n" + "<p>x</p>\n" * 500 + "</html>"
    error = classify(ResponseParserError(f"Unable to parse response, invalid XML received:\n{body}"), "sts:X")
    assert "\n" not in error.describe() and "<" not in error.describe() and len(error.describe()) < 200


def test_a_json_report_of_a_finite_pass_mark_is_json(account, tmp_path):
    sid = new_student_id("pm")
    result = cli("lambda_medium", "-s", sid, "--pass-mark", "0", "--format", "json", env=emulator_env(account.emulator))
    assert json.loads(result.stdout)["pass_mark"] == 0.0 and result.returncode == 0
