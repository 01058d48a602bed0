"""Command line: ``validate_tasks.py ASSESSMENT``, ``validate_tasks.py list``, ``validate_tasks.py sandbox``.

Exit codes: 0 every student met the pass mark; 1 someone is below it; 2 usage or input error;
3 grading incomplete (no credentials, endpoint unreachable, or a check could not be read).
A user-caused condition is one line on stderr, never a traceback.
"""

from __future__ import annotations

import os
import re
import sys
from contextlib import ExitStack
from typing import Any, NoReturn
from urllib.parse import urlsplit

import click

import checks

EXIT_OK, EXIT_BELOW_PASS, EXIT_USAGE, EXIT_INCOMPLETE = 0, 1, 2, 3
STUDENT_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


class UserError(click.ClickException):
    """One line on stderr and an exit code; never a traceback."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _console(stderr: bool = False) -> Any:
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    # Rich honours NO_COLOR and drops colour when the stream is not a terminal; give pipes a wide page.
    width = None if stream.isatty() else 160
    return Console(file=stream, width=width, highlight=False)


def validate_student_ids(ids: tuple[str, ...]) -> list[str]:
    seen: list[str] = []
    for sid in ids:
        if not STUDENT_ID.match(sid):
            shown = sid if sid.isprintable() else repr(sid)
            raise UserError(
                f"invalid student ID {shown[:60]!r}: use 1-40 letters, digits, '-' or '_' "
                "(resource names end in -<student-id> and must stay within Lambda's 64 characters)"
            )
        if sid not in seen:
            seen.append(sid)
    return seen


def check_endpoint(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UserError(f"invalid endpoint URL {url!r}: expected http(s)://host[:port]")
    try:
        _ = parts.port  # raises ValueError for a port that is not a number
    except ValueError:
        raise UserError(f"invalid endpoint URL {url!r}: bad port") from None


def resolve_student_ids(given: tuple[str, ...]) -> list[str]:
    if not given:
        if sys.stdin.isatty():
            given = (click.prompt("Student ID", type=str).strip(),)
        else:
            raise UserError("no student ID: pass --student-id ID (or set STUDENT_ID)")
    return validate_student_ids(given)


class AssessmentGroup(click.Group):
    """Subcommands ``list`` and ``sandbox``, and one command per assessment in the registry."""

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
    @click.command(name=name, help=f"Grade {name}.")
    @click.option("-s", "--student-id", "student_ids", multiple=True, envvar="STUDENT_ID",
                  help="Student ID (repeatable; env STUDENT_ID). Resource names end in -<student-id>.")
    @click.option("--region", envvar=["AWS_REGION", "AWS_DEFAULT_REGION"], help="AWS region (default: boto3's, else us-east-1).")
    @click.option("--profile", help="AWS profile (env AWS_PROFILE).")
    @click.option("--endpoint-url", help="AWS endpoint, e.g. the emulator's (env AWS_ENDPOINT_URL).")
    @click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table",
                  show_default=True, help="Standard output format.")
    @click.option("--pass-mark", type=click.FloatRange(0, 100), default=70.0, show_default=True,
                  help="Percentage needed to pass.")
    @click.option("--sandbox", is_flag=True,
                  help="Start the embedded emulator, build the reference solution for each student, grade it.")
    @click.option("--explain", is_flag=True, help="Print the rubric (tasks, checks, points) without calling AWS.")
    def command(**options: Any) -> None:
        grade_command(name, **options)

    return command


def grade_command(
    name: str, *, student_ids: tuple[str, ...], region: str | None, profile: str | None,
    endpoint_url: str | None, output_format: str, pass_mark: float, sandbox: bool, explain: bool,
) -> None:
    assessment = checks.load(name)
    if explain:
        from grader.render.explain import render as explain_rubric

        explain_rubric(assessment, _console())
        return
    ids = resolve_student_ids(student_ids)
    with ExitStack() as stack:
        credentials = None
        if sandbox:
            endpoint_url, region = stack.enter_context(_sandbox(name, ids, region)), region or "us-east-1"
            from grader.emulator import EMULATOR_CREDENTIALS

            credentials, profile = EMULATOR_CREDENTIALS, None
        run = _grade(assessment, ids, region=region, profile=profile, endpoint_url=endpoint_url,
                     credentials=credentials, pass_mark=pass_mark)
    from grader.render import FORMATS

    FORMATS[output_format](run, _console())
    sys.exit(run.exit_code)


def _grade(assessment: Any, ids: list[str], *, region: str | None, profile: str | None,
           endpoint_url: str | None, credentials: dict | None, pass_mark: float) -> Any:
    from botocore.exceptions import BotoCoreError

    from grader.aws.errors import FactUnavailable
    from grader.aws.facts import FactStore
    from grader.aws.session import ReadOnlySession
    from grader.engine import Grader

    for given in (endpoint_url, os.environ.get("AWS_ENDPOINT_URL")):
        if given is not None:
            check_endpoint(given)
    try:
        session = ReadOnlySession(profile=profile, region=region, endpoint_url=endpoint_url, credentials=credentials)
    except BotoCoreError as exc:  # e.g. ProfileNotFound
        raise UserError(str(exc)) from None
    if not session.has_credentials():
        raise UserError("no AWS credentials found: configure a profile, set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, "
                        "or try the emulator with --sandbox", EXIT_INCOMPLETE)
    facts = FactStore(session)
    try:
        facts().account_id()  # one cheap read proves endpoint and credentials before anything is graded
    except FactUnavailable as exc:
        where = endpoint_url or f"AWS in {session.default_region}"
        if exc.kind == "network":
            raise UserError(f"cannot reach {where}: {exc.detail}", EXIT_INCOMPLETE) from None
        raise UserError(f"cannot start grading against {where}: {exc.describe()}", EXIT_INCOMPLETE) from None
    return Grader(assessment, facts, pass_mark=pass_mark).grade(ids)


def _sandbox(name: str, ids: list[str], region: str | None) -> Any:
    """Context manager: a started emulator holding the reference solution of each student."""
    from contextlib import contextmanager

    @contextmanager
    def running() -> Any:
        emulator = _start_emulator(port=0)
        try:
            seed(emulator, name, ids, region or "us-east-1")
            yield emulator.url
        finally:
            emulator.stop()

    return running()


def _start_emulator(port: int) -> Any:
    from grader.emulator import Emulator, EmulatorUnavailable

    try:
        return Emulator(port=port).start()
    except EmulatorUnavailable as exc:
        raise UserError(str(exc)) from None


def seed(emulator: Any, name: str, ids: list[str], region: str) -> None:
    solution = checks.solution(name)
    if solution is None:
        raise UserError(f"{name} has no reference solution to build in the sandbox")
    for sid in ids:
        solution.build(lambda service: emulator.client(service, region), sid)


@main.command("sandbox")
@click.option("--port", type=click.IntRange(0, 65535), default=5000, show_default=True, help="Port on 127.0.0.1.")
@click.option("--seed", "seed_ids", multiple=True, help="Build the reference solution for this student ID (repeatable).")
@click.option("--assessment", default="lambda_medium", show_default=True, help="Which solution --seed builds.")
@click.option("--region", default="us-east-1", show_default=True, help="Region the seeds are built in.")
def sandbox(port: int, seed_ids: tuple[str, ...], assessment: str, region: str) -> None:
    """Serve the emulator in the foreground for practice, until Ctrl-C."""
    import signal
    import socket
    import threading

    if assessment not in checks.names():
        raise UserError(f"unknown assessment {assessment!r}; available: {', '.join(checks.names())}")
    ids = validate_student_ids(seed_ids)
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise UserError(f"port {port} on 127.0.0.1 is in use; pick another with --port") from None
    emulator = _start_emulator(port)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        seed(emulator, assessment, ids, region)
        click.echo(f"AWS emulator listening on {emulator.url}" + (f" (seeded: {', '.join(ids)})" if ids else ""))
        click.echo("Point the aws CLI and the grader at it:")
        click.echo(f"  export AWS_ENDPOINT_URL={emulator.url}")
        click.echo("  export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing")
        click.echo(f"  export AWS_DEFAULT_REGION={region}")
        click.echo(f"  python validate_tasks.py {assessment} --student-id <your-id>")
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


def run(argv: list[str] | None = None) -> NoReturn:
    """Entry point: click's own parsing, but every user error is one line with our exit codes."""
    try:
        main.main(args=argv, prog_name="validate_tasks.py", standalone_mode=False)
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

