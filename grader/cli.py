"""Command line: ``validate_tasks.py ASSESSMENT``, ``validate_tasks.py list``, ``validate_tasks.py sandbox``.

Exit codes: 0 every student met the pass mark; 1 someone is below it; 2 usage or input error;
3 grading incomplete (no credentials, endpoint unreachable, or a check could not be read).
A user-caused condition is one line on stderr, never a traceback.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import click

import checks
from grader.render import report_formats, stdout_formats
from grader.roster import REGION, ROLE_ARN, RosterError, Student, credentials_for, from_ids, load_roster

EXIT_OK, EXIT_BELOW_PASS, EXIT_USAGE, EXIT_INCOMPLETE = 0, 1, 2, 3


class UserError(click.ClickException):
    """One line on stderr and an exit code; never a traceback."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _console() -> Any:
    """The progress bar's console, on stderr (shown only on a terminal; rich honours NO_COLOR)."""
    from rich.console import Console

    return Console(file=sys.stderr, highlight=False)


def check_endpoint(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UserError(f"invalid endpoint URL {url!r}: expected http(s)://host[:port]")
    try:
        _ = parts.port  # raises ValueError for a port that is not a number
    except ValueError:
        raise UserError(f"invalid endpoint URL {url!r}: bad port") from None


def check_region(region: str | None) -> None:
    if region and not REGION.match(region):
        raise UserError(f"invalid region {region!r}: expected a region name such as us-east-1")


def check_role_template(template: str | None) -> None:
    if template is not None and ("{account_id}" not in template
                                 or not ROLE_ARN.match(template.replace("{account_id}", "123456789012"))):
        raise UserError(f"invalid --role-arn-template {template!r}: expected "
                        "'arn:aws:iam::{account_id}:role/NAME'")


def parse_reports(specs: tuple[str, ...]) -> list[tuple[str, Path]]:
    reports = []
    for spec in specs:
        fmt, sep, path = spec.partition("=")
        if not sep or not path or fmt not in report_formats():
            raise UserError(f"invalid --report {spec!r}: use FORMAT=PATH with FORMAT one of {', '.join(report_formats())}")
        target = Path(path)
        if target.parent and not target.parent.exists():
            raise UserError(f"--report {spec!r}: folder {target.parent} does not exist")
        reports.append((fmt, target))
    return reports


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
    @click.option("--format", "output_format", type=click.Choice(stdout_formats()), default="table",
                  show_default=True, help="Standard output format.")
    @click.option("--report", "reports", multiple=True, metavar="FORMAT=PATH",
                  help=f"Also write a report (repeatable): {', '.join(report_formats())}.")
    @click.option("--resume", is_flag=True, help="Skip students already graded in the --report json=PATH file.")
    @click.option("--workers", type=click.IntRange(1, 64), default=16, show_default=True,
                  help="Concurrent requests (1: one at a time).")
    @click.option("--inventory", type=click.Choice(["auto", "on", "off"]), default="auto", show_default=True,
                  help="Read account-wide listings once and share them (auto: for 3 or more students).")
    @click.option("--pace", type=click.Choice(["auto", "on", "off"]), default="auto", show_default=True,
                  help="Stay under AWS's request quotas client-side (auto: on unless --endpoint-url is given).")
    @click.option("--pass-mark", type=click.FloatRange(0, 100), default=70.0, show_default=True,
                  help="Percentage needed to pass.")
    @click.option("--sandbox", is_flag=True,
                  help="Start the embedded emulator, build the reference solution for each student, grade it.")
    @click.option("--explain", is_flag=True, help="Print the rubric (tasks, checks, points) without calling AWS.")
    @click.option("--print-policy", is_flag=True, help="Print the grader's least-privilege IAM policy (read-only) and exit.")
    def command(**options: Any) -> None:
        grade_command(name, **options)

    return command


def gather_students(student_ids: tuple[str, ...], roster: str | None, all_students: bool,
                    required: bool = True) -> list[Student]:
    students = from_ids(student_ids)
    if roster:
        listed = load_roster(roster)
        known = {s.student_id for s in students}
        students += [s for s in listed if s.student_id not in known]
    if not students and not all_students and required:
        if sys.stdin.isatty():
            students = from_ids((click.prompt("Student ID", type=str).strip(),))
        else:
            raise UserError("no student ID: pass --student-id ID, --roster FILE or --all-students (or set STUDENT_ID)")
    return students


def grade_command(
    name: str, *, student_ids: tuple[str, ...], roster: str | None, all_students: bool,
    role_arn_template: str | None, region: str | None, profile: str | None, endpoint_url: str | None,
    output_format: str, reports: tuple[str, ...], resume: bool, pass_mark: float, sandbox: bool, explain: bool,
    workers: int = 16, inventory: str = "auto", pace: str = "auto", print_policy: bool = False,
) -> None:
    assessment = checks.load(name)
    if print_policy:
        from grader.aws.facts import least_privilege_policy
        from grader.engine import facts_read

        click.echo(json.dumps(least_privilege_policy(facts_read(assessment)), indent=2))
        return
    if explain:
        from grader.render import print_rubric

        print_rubric(assessment)
        return
    fixed_names = not assessment.names_end_in_student_id
    if fixed_names and all_students:
        raise UserError(f"{name} uses fixed resource names, so an account holds one student and none can be "
                        "discovered: grade the account as it is, or pass --roster with one account per student")
    try:
        students = gather_students(student_ids, roster, all_students, required=not fixed_names)
    except RosterError as exc:
        raise UserError(str(exc)) from None
    check_region(region)
    check_role_template(role_arn_template)
    if fixed_names:
        one_student_per_account(name, students, profile, role_arn_template)
    report_targets = parse_reports(reports)
    done = load_resume(report_targets, pass_mark) if resume else {}
    if sandbox and not students and not fixed_names:
        raise UserError("--sandbox builds the students it grades: name them with --student-id or --roster")
    for given in (endpoint_url, os.environ.get("AWS_ENDPOINT_URL")):
        if given is not None:
            check_endpoint(given)
    from grader.aws.facts import services
    from grader.engine import facts_read

    with ExitStack() as stack:
        credentials = None
        if sandbox:
            region = region or "us-east-1"
            builds = [s.student_id for s in students] or [None]  # fixed names: the one account, unlabelled
            endpoint_url = stack.enter_context(sandbox_with(name, builds, region))
            from grader.emulator import EMULATOR_CREDENTIALS

            credentials, profile = EMULATOR_CREDENTIALS, None
        endpoint = endpoint_url or os.environ.get("AWS_ENDPOINT_URL")
        connections = connect(profile=profile, region=region, endpoint_url=endpoint_url, credentials=credentials,
                              role_arn_template=role_arn_template,
                              inventory=inventory == "on" or (inventory == "auto" and (all_students or len(students) >= 3)),
                              pacing=pace == "on" or (pace == "auto" and not endpoint),
                              fanout=1 if workers == 1 else 2 * workers, services=services(facts_read(assessment)))
        if not students:  # fixed names and no student ID: the account is graded, labelled by its ID
            students = [Student(connections.facts_for(Student("preflight")).account_id())]
        if all_students:
            students += discovered(assessment, connections, {s.student_id for s in students})
        from grader.class_run import grade_class

        run = grade_class(assessment, connections, students, done, pass_mark, report_targets, workers,
                          progress_console=_console)
    from grader.render import print_run

    print_run(output_format, run)
    sys.exit(run.exit_code)


def one_student_per_account(name: str, students: list[Student], profile: str | None, template: str | None) -> None:
    """With fixed resource names, two students graded in one account and region would share one grade."""
    seen: dict[tuple[str | None, ...], str] = {}
    for student in students:
        place = (*credentials_for(student, profile, template), student.region)
        if place in seen:
            raise UserError(f"{name} uses fixed resource names, so {seen[place]} and {student.student_id} would "
                            "be graded on the same resources: give each student their own account (roster "
                            "columns account_id with --role-arn-template, role_arn, or profile)")
        seen[place] = student.student_id


def connect(**options: Any) -> Any:
    """Sessions for the run, proven by one cheap read before anything is graded."""
    from botocore.exceptions import BotoCoreError

    from grader.aws.connections import Connections
    from grader.aws.errors import FactUnavailable

    try:
        connections = Connections(**options)
    except BotoCoreError as exc:  # e.g. ProfileNotFound
        raise UserError(str(exc)) from None
    if not connections.default.has_credentials():
        raise UserError("no AWS credentials found: configure a profile, set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, "
                        "or try the emulator with --sandbox", EXIT_INCOMPLETE)
    try:
        connections.facts_for(Student("preflight")).account_id()
    except FactUnavailable as exc:
        where = options.get("endpoint_url") or os.environ.get("AWS_ENDPOINT_URL") or f"AWS in {connections.region}"
        if exc.kind == "network":
            raise UserError(f"cannot reach {where}: {exc.detail}", EXIT_INCOMPLETE) from None
        raise UserError(f"cannot start grading against {where}: {exc.describe()}", EXIT_INCOMPLETE) from None
    return connections


def discovered(assessment: Any, connections: Any, known: set[str]) -> list[Student]:
    from grader.aws.errors import FactUnavailable
    from grader.discovery import discover

    facts = connections.facts_for(Student("discovery"))
    try:
        found = discover(assessment, facts)
    except FactUnavailable as exc:
        raise UserError(f"--all-students could not list the account: {exc.describe()}", EXIT_INCOMPLETE) from None
    new = [sid for sid in found if sid not in known]
    sources = sorted({pattern for patterns in found.values() for pattern in patterns})
    click.echo(f"Discovered {len(found)} student ID(s) in {facts.region} from {', '.join(sources) or 'no resources'}"
               f"{': ' + ', '.join(found) if found else ''}", err=True)
    return [Student(sid) for sid in new]


def load_resume(reports: list[tuple[str, Path]], pass_mark: float) -> dict[str, Any]:
    from grader.model import StudentResult

    paths = [path for fmt, path in reports if fmt == "json"]
    if not paths:
        raise UserError("--resume needs --report json=PATH: the file it resumes from")
    if not paths[0].exists():
        return {}
    try:
        data = json.loads(paths[0].read_text(encoding="utf-8"))
        students = [StudentResult.from_dict(s, pass_mark) for s in data["students"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise UserError(f"--resume: {paths[0]} is not a report of this grader ({exc})") from None
    return {s.student_id: s for s in students if s.complete}


@contextmanager
def sandbox_with(name: str, ids: list[str | None], region: str) -> Any:
    """A started emulator holding the reference solution of each student; yields its URL."""
    emulator = _start_emulator(port=0)
    try:
        seed(emulator, name, ids, region)
        yield emulator.url
    finally:
        emulator.stop()


def _start_emulator(port: int) -> Any:
    from grader.emulator import Emulator, EmulatorUnavailable

    try:
        return Emulator(port=port).start()
    except EmulatorUnavailable as exc:
        raise UserError(str(exc)) from None


def seed(emulator: Any, name: str, ids: list[str | None], region: str) -> None:
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
        labelled = checks.load(assessment).names_end_in_student_id
        click.echo(f"  python validate_tasks.py {assessment}" + (" --student-id <your-id>" if labelled else ""))
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
