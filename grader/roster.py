"""Who is graded: student IDs, roster files, and the rules an ID must follow."""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass
from pathlib import Path

# \Z, not $: ``$`` also matches before a final newline, and ``"nc01\n"`` is no student ID. At least one
# letter or digit: ``-`` (read by many tools as "standard input") or ``__`` names no one.
STUDENT_ID = re.compile(r"^(?=[_-]*[A-Za-z0-9])[A-Za-z0-9_-]{1,40}\Z")
SHOWN = 60  # the longest input an error message repeats whole
ACCOUNT_ID = re.compile(r"^\d{12}$")
ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")
COLUMNS = ("student_id", "name", "email", "region", "profile", "role_arn", "account_id")


class RosterError(ValueError):
    """Bad roster or ID input: one line that names the row."""


@dataclass(frozen=True)
class Student:
    student_id: str
    name: str | None = None
    email: str | None = None
    region: str | None = None
    profile: str | None = None
    role_arn: str | None = None
    account_id: str | None = None
    # The roster's other columns (section, cohort...): not used for grading, carried into the reports.
    extra: tuple[tuple[str, str], ...] = ()


def check_student_id(sid: str, where: str = "") -> str:
    if not STUDENT_ID.match(sid):
        raise RosterError(
            f"{where}invalid student ID {shown(sid)}: use 1-40 letters, digits, '-' or '_', with at least one "
            "letter or digit (resource names end in -<student-id> and must stay within Lambda's 64 characters)"
        )
    return sid


def shown(value: str, limit: int = SHOWN) -> str:
    """``value`` quoted for an error message: control and space characters written out (``'nc01\\n'``),
    and cut with an ellipsis past ``limit`` characters (``'aaaa…' (90 characters)``)."""
    quoted = repr(value)  # escapes every control character, a newline or tab included
    if len(value) <= limit:
        return quoted
    return f"{repr(value[:limit])[:-1]}…{quoted[-1]} ({len(value)} characters)"


def from_ids(ids: list[str] | tuple[str, ...]) -> list[Student]:
    seen: dict[str, Student] = {}
    for sid in ids:
        seen.setdefault(check_student_id(sid), Student(sid))
    return list(seen.values())


def load_roster(path: str | Path) -> list[Student]:
    """Read a CSV roster with a header; any problem raises RosterError naming the row."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RosterError(f"cannot read roster {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RosterError(f"roster {path} is not UTF-8 text (byte {exc.start})") from None
    if not text.strip():
        raise RosterError(f"roster {path} is empty: it needs a header with student_id and one row per student")
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        raise RosterError(f"roster {path} is not valid CSV: {exc}") from None
    header = [cell.strip().lower() for cell in rows[0]]
    if "student_id" not in header:
        raise RosterError(f"roster {path}: the header (row 1) has no student_id column; found: {', '.join(header)}")
    # Other columns (section...) are the instructor's own and come along into the reports; one that is
    # nearly a column the grader uses is a typo that would silently change who is graded where.
    for column in (h for h in header if h and h not in COLUMNS):
        close = difflib.get_close_matches(column, COLUMNS, n=1, cutoff=0.8)
        if close:
            raise RosterError(f"roster {path}: column {column!r} in row 1 is not {close[0]!r}: rename it (or give "
                              f"it another name if it is your own column)")
    if len(set(h for h in header if h)) != len([h for h in header if h]):
        raise RosterError(f"roster {path}: a column appears twice in row 1")
    students: list[Student] = []
    first_row: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            raise RosterError(f"roster {path} row {number}: {len(row)} cells but the header has {len(header)}")
        values = {h: (row[i].strip() if i < len(row) else "") for i, h in enumerate(header) if h}
        where = f"roster {path} row {number}: "
        sid = check_student_id(values.get("student_id", ""), where)
        if sid in first_row:
            raise RosterError(f"{where}student ID {sid!r} already appears in row {first_row[sid]}")
        first_row[sid] = number
        students.append(_student(values, where))
    if not students:
        raise RosterError(f"roster {path} has a header but no students")
    return students


def _student(values: dict[str, str], where: str) -> Student:
    optional: dict = {k: (values.get(k) or None) for k in COLUMNS[1:]}
    optional["extra"] = tuple((k, v) for k, v in values.items() if k not in COLUMNS)
    if optional["region"] and not REGION.match(optional["region"]):
        raise RosterError(f"{where}region {optional['region']!r} is not an AWS region name")
    if optional["account_id"] and not ACCOUNT_ID.match(optional["account_id"]):
        raise RosterError(f"{where}account_id {optional['account_id']!r} is not 12 digits")
    if optional["role_arn"] and not ROLE_ARN.match(optional["role_arn"]):
        raise RosterError(f"{where}role_arn {optional['role_arn']!r} is not an IAM role ARN")
    return Student(values["student_id"], **optional)


def credentials_for(student: Student, profile: str | None, template: str | None) -> tuple[str | None, str | None]:
    """Which credentials grade a student: (profile, role to assume). Students with the same pair share an account."""
    return student.profile or profile, role_for(student, template)


def role_for(student: Student, template: str | None) -> str | None:
    """The role to assume for a student: their own role_arn, else the template filled with their account."""
    if student.role_arn:
        return student.role_arn
    if template and student.account_id:
        return template.replace("{account_id}", student.account_id)
    return None
