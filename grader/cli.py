"""Command line: ``validate_tasks.py ASSESSMENT``, ``validate_tasks.py list``, ``validate_tasks.py sandbox``,
``validate_tasks.py serve`` (the class server, :mod:`grader.server`).

Exit codes: 0 every student met the pass mark; 1 someone is below it; 2 usage or input error;
3 grading incomplete (no credentials, endpoint unreachable, or a check could not be read).
A user-caused condition is one line on stderr, never a traceback.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import threading
from typing import Any, NoReturn

import click

import checks
from grader.arguments import FloatRange, negative_values_given
from grader.roster import RosterError, from_ids
from grader.run import EXIT_INCOMPLETE, EXIT_OK, EXIT_USAGE, RunError, RunOptions

__all__ = ["EXIT_INCOMPLETE", "main", "run"]


def _formats(to_stdout: bool) -> list[str]:
    from grader.render import report_formats, stdout_formats

    return stdout_formats() if to_stdout else report_formats()


class UserError(click.ClickException):
    """One line on stderr and an exit code; never a traceback."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _console() -> Any:
    """The progress bar's console, on stderr (shown only on a terminal; rich honours NO_COLOR)."""
    from rich.console import Console

    return Console(file=sys.stderr, highlight=False)


class AssessmentGroup(click.Group):
    """Subcommands ``list``, ``sandbox`` and ``serve``, and one command per assessment in the registry."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(super().list_commands(ctx)) + checks.names()

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        if command is not None:
            return command
        if name in checks.names():
            return make_assessment_command(name)
        return None

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        name = args[0] if args else ""
        if not name.startswith("-") and self.get_command(ctx, name) is None:
            known = ", ".join(checks.names())
            raise UserError(f"unknown assessment {name!r}; available: {known} (see: validate_tasks.py list)")
        return super().resolve_command(ctx, args)


@click.group(cls=AssessmentGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Grade an AWS assessment read-only: validate_tasks.py ASSESSMENT --student-id ID."""


@main.command("list")
def list_assessments() -> None:
    """List the assessments that can be graded."""
    for name in checks.names():
        assessment = checks.load(name)
        click.echo(f"{name:<16} {assessment.title} ({assessment.max_score:g} points, {len(assessment.tasks)} tasks)")


def make_assessment_command(name: str) -> click.Command:
    assessment = checks.load(name)
    id_help = ("Resource names end in -<student-id>." if assessment.names_end_in_student_id else
               "Optional: names are fixed, one student per account; the ID labels the result.")

    @click.command(name=name, help=f"Grade {name}: {assessment.title}.")
    @click.option("-s", "--student-id", "student_ids", multiple=True, envvar="STUDENT_ID",
                  help=f"Student ID (repeatable; env STUDENT_ID). {id_help}")
    @click.option("--roster", type=click.Path(dir_okay=False), help="CSV with a student_id column "
                  "(optional: name, email, region, profile, role_arn, account_id).")
    @click.option("--all-students", is_flag=True, help="Grade every student ID found in the account's resource names.")
    @click.option("--role-arn-template", help="Role to assume per student, e.g. 'arn:aws:iam::{account_id}:role/GraderRole'.")
    @click.option("--region", envvar=["AWS_REGION", "AWS_DEFAULT_REGION"], help="AWS region (default: boto3's, else us-east-1).")
    @click.option("--profile", help="AWS profile (env AWS_PROFILE).")
    @click.option("--endpoint-url", help="AWS endpoint, e.g. the emulator's (env AWS_ENDPOINT_URL).")
    @click.option("--format", "output_format", type=click.Choice(_formats(to_stdout=True)), default="table",
                  show_default=True, help="Standard output format.")
    @click.option("--report", "reports", multiple=True, metavar="FORMAT=PATH",
                  help=f"Also write a report (repeatable): {', '.join(_formats(to_stdout=False))}.")
    @click.option("--resume", is_flag=True, help="Skip students already graded in the --report json=PATH file.")
    @click.option("--workers", type=click.IntRange(1, 64), default=16, show_default=True,
                  help="Concurrent requests (1: one at a time).")
    @click.option("--inventory", type=click.Choice(["auto", "on", "off"]), default="auto", show_default=True,
                  help="Read account-wide listings once and share them (auto: for 3 or more students).")
    @click.option("--pace", type=click.Choice(["auto", "on", "off"]), default="auto", show_default=True,
                  help="Stay under AWS's request quotas client-side (auto: on unless --endpoint-url is given).")
    @click.option("--pass-mark", type=FloatRange(0, 100), default=70.0, show_default=True,
                  help="Percentage needed to pass.")
    @click.option("--sandbox", is_flag=True,
                  help="Start the embedded emulator, build the reference solution for each student, grade it.")
    @click.option("--task", "tasks", multiple=True, type=click.IntRange(1, None), metavar="N",
                  help="Grade only task N (repeatable), reading only what its checks need.")
    @click.option("--watch", type=FloatRange(1, 3600), is_flag=False, flag_value=10.0, default=None,
                  metavar="[SECONDS]", help="Grade again every SECONDS (default 10) until Ctrl-C, saying what changed.")
    @click.option("--explain", is_flag=True, help="Print the rubric (tasks, checks, points) without calling AWS.")
    @click.option("--print-policy", is_flag=True, help="Print the grader's least-privilege IAM policy (read-only) and exit.")
    def command(**options: Any) -> None:
        grade_command(name, **options)

    return command


def start_up_done() -> None:
    """What start-up made (modules, botocore's, the assessment) lives as long as the process: the cyclic
    collector stops going over it again and again (a fifth of a second-long run's CPU went there), and
    collects from now on what grading leaves. :func:`run` turned it off while the modules were imported."""
    gc.freeze()
    gc.set_threshold(10_000, *gc.get_threshold()[1:])  # young collections every 10,000 allocations, not 700
    gc.enable()


def grade_command(name: str, *, output_format: str, explain: bool, print_policy: bool, watch: float | None,
                  **options: Any) -> None:
    """Parse, run, print: everything in between is :mod:`grader.run`'s."""
    from grader.run import grade, students_of

    assessment = checks.load(name)
    if not (print_policy or explain):
        import grader.aws.connections  # noqa: F401  botocore: the bulk of start-up, imported before freezing

        start_up_done()
    if print_policy:
        from grader.run import grader_policy

        try:
            policy = grader_policy(RunOptions(assessment=name, **options))
        except RunError as exc:
            raise UserError(str(exc), exc.exit_code) from None
        click.echo(json.dumps(policy, indent=2))
        return
    if explain:
        from grader.render import print_rubric

        print_rubric(assessment, output_format)
        return
    run_options = RunOptions(assessment=name, **options, notify=lambda line: click.echo(line, err=True),
                             progress_console=_console)
    try:
        students = students_of(run_options)
        if (not students and not run_options.all_students and assessment.names_end_in_student_id
                and sys.stdin.isatty()):
            students = students_of(RunOptions(name, (click.prompt("Student ID", type=str).strip(),)))
        if watch is not None:
            from grader.watch import watch_runs

            if run_options.sandbox:
                raise RunError("--watch re-reads an account as you change it; --sandbox builds a new one each time")
            sys.exit(watch_runs(lambda: grade(run_options, students), output_format, watch))
        result = grade(run_options, students)
    except RunError as exc:
        raise UserError(str(exc), exc.exit_code) from None
    from grader.render import print_run

    print_run(output_format, result)
    sys.exit(result.exit_code)


@main.command("sandbox")
@click.option("--port", type=click.IntRange(0, 65535), default=5000, show_default=True, help="Port on 127.0.0.1.")
@click.option("--seed", "seed_ids", multiple=True, help="Build the reference solution for this student ID (repeatable).")
@click.option("--assessment", default="lambda_medium", show_default=True, help="Which solution --seed builds.")
@click.option("--region", default="us-east-1", show_default=True, help="Region the seeds are built in.")
def sandbox(port: int, seed_ids: tuple[str, ...], assessment: str, region: str) -> None:
    """Serve the emulator in the foreground for practice, until Ctrl-C."""
    start_up_done()
    import signal
    import socket

    from grader.sandbox import PRACTICE_ROLE, EmulatorError, practice_role, seed, shell_setup, start_emulator

    if assessment not in checks.names():
        raise UserError(f"unknown assessment {assessment!r}; available: {', '.join(checks.names())}")
    try:
        ids = [s.student_id for s in from_ids(seed_ids)]
    except RosterError as exc:
        raise UserError(str(exc)) from None
    if len(ids) > 1 and not checks.load(assessment).names_end_in_student_id:
        raise UserError(f"{assessment} uses fixed resource names: the emulator's account holds one student; "
                        "pass --seed once")
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise UserError(f"port {port} on 127.0.0.1 is in use; pick another with --port") from None
    try:
        emulator = start_emulator(port)
    except EmulatorError as exc:
        raise UserError(str(exc)) from None
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        try:
            seed(emulator, assessment, ids, region)
            role = practice_role(emulator, region)
        except EmulatorError as exc:
            raise UserError(str(exc)) from None
        click.echo(f"AWS emulator listening on {emulator.url}" + (f" (seeded: {', '.join(ids)})" if ids else ""))
        click.echo("In another terminal (bash or zsh), paste these lines: every aws command and the grader "
                   "then stay in the sandbox")
        for line in shell_setup(emulator.url, region):
            click.echo(f"  {line}")
        click.echo(f"Execution role for your functions (where the text says <your-lambda-role>: {PRACTICE_ROLE}):")
        click.echo(f"  {role}")
        labelled = checks.load(assessment).names_end_in_student_id
        click.echo("Grade your work:")
        click.echo(f"  python validate_tasks.py {assessment}" + (" --student-id <your-id>" if labelled else "")
                   + " --watch")
        click.echo("Ctrl-C stops it (everything in it is forgotten).")
        sys.stdout.flush()
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    finally:
        emulator.stop()
    click.echo("emulator stopped")


def process_main() -> NoReturn:
    """The command line as a process of its own (``validate_tasks.py``, ``validate-tasks``): :func:`run`,
    then out without tearing the interpreter down object by object (a tenth of a one-student run's CPU).

    Nothing is lost: every report is written and closed (atomically) before :func:`run` returns, what
    was printed is flushed here, and the read threads left are idle or waiting on answers nobody needs.
    """
    try:
        run()
    except SystemExit as exc:
        code = exc.code
    if not isinstance(code, int):
        if code is not None:
            print(code, file=sys.stderr)
        code = 0 if code is None else 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (e.g. `| head`): nothing more can reach it
            code = code or 1
    os._exit(code)


SERVER_MODULES = ("fastapi", "uvicorn", "jinja2", "sqlalchemy", "alembic")


@main.command("serve")
@click.argument("assessment")
@click.option("-s", "--student-id", "student_ids", multiple=True, help="A student of the class (repeatable).")
@click.option("--roster", type=click.Path(dir_okay=False), help="CSV with a student_id column, as for class runs.")
@click.option("--db", help="Class database: a SQLite file or URL (default ./class-ASSESSMENT.sqlite3), or "
              "postgresql://user:password@host/name.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port (0: any free one).")
@click.option("--token", envvar="GRADER_TOKEN", help="The instructor's token (env GRADER_TOKEN).")
@click.option("--cooldown", type=FloatRange(0), default=60.0, show_default=True,
              help="Seconds between two checks of one student.")
@click.option("--every", type=FloatRange(0, min_open=True), metavar="MINUTES",
              help="Grade the whole class every MINUTES minutes.")
@click.option("--deadline", metavar="ISO", help="Attempts after this time are kept but not counted "
              "(ISO 8601; without a zone, this machine's local time).")
@click.option("--sandbox", is_flag=True, help="A demo class on the embedded emulator (30 students unless named).")
@click.option("--links", is_flag=True, help="Print each student's private link and exit.")
@click.option("--revoke-sessions", is_flag=True, help="End every instructor session (cookie) of this class and exit.")
@click.option("--public-url", help="The address students reach the server at, for --links (default http://HOST:PORT).")
@click.option("--region", envvar=["AWS_REGION", "AWS_DEFAULT_REGION"], help="AWS region (default: boto3's, else us-east-1).")
@click.option("--profile", help="AWS profile (env AWS_PROFILE).")
@click.option("--endpoint-url", help="AWS endpoint, e.g. an emulator's (env AWS_ENDPOINT_URL).")
@click.option("--role-arn-template", help="Role to assume per student, e.g. 'arn:aws:iam::{account_id}:role/GraderRole'.")
@click.option("--pass-mark", type=FloatRange(0, 100), default=70.0, show_default=True,
              help="Percentage needed to pass.")
@click.option("--workers", type=click.IntRange(1, 16), default=2, show_default=True,
              help="Grading workers in this instance (each grades a batch of students at a time).")
@click.option("--pace", type=click.Choice(["auto", "on", "off"]), default="auto", show_default=True,
              help="Stay under AWS's request quotas client-side (auto: on unless an endpoint is given).")
@click.option("--lti", type=click.Path(dir_okay=False), metavar="FILE",
              help="Be an LTI 1.3 tool of the LMS named in FILE (JSON: issuer, client_id, deployment_ids, "
              "auth_login_url, auth_token_url, key_set_url): launches and grade passback.")
@click.option("--counted", type=click.Choice(["best", "latest"]), default="best", show_default=True,
              help="With --lti: the attempt whose score goes to the LMS (up to --deadline).")
@click.option("--lease", type=FloatRange(0.5), default=30.0, hidden=True,
              help="Seconds a grading job stays an instance's without a heartbeat (tests shorten it).")
def serve(assessment: str, **options: Any) -> None:
    """Serve a class: students check their progress in a browser, the instructor watches it live."""
    import importlib.util

    missing = [m for m in SERVER_MODULES if importlib.util.find_spec(m) is None]
    if missing:
        raise UserError(f"the class server needs {', '.join(missing)}: pip install -e '.[server]'")
    if assessment not in checks.names():
        raise UserError(f"unknown assessment {assessment!r}; available: {', '.join(checks.names())}")
    from grader.server.main import ServeOptions
    from grader.server.main import serve as serve_class

    try:
        sys.exit(serve_class(ServeOptions(assessment, echo=click.echo, **options)))
    except RunError as exc:
        raise UserError(str(exc), exc.exit_code) from None


def run(argv: list[str] | None = None) -> NoReturn:
    """Entry point: click's own parsing, but every user error is one line with our exit codes."""
    gc.disable()  # until start-up is over (start_up_done), or this returns
    try:
        _run(argv)
    finally:
        gc.enable()


def _run(argv: list[str] | None) -> NoReturn:
    args = negative_values_given(sys.argv[1:] if argv is None else list(argv))
    try:
        main.main(args=args, prog_name="validate_tasks.py", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("aborted", err=True)
        sys.exit(EXIT_USAGE)
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else exc.format_message(), err=True)
        sys.exit(EXIT_USAGE)
    except click.ClickException as exc:
        click.echo(f"error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    sys.exit(EXIT_OK)
