"""Roster input: every mistake is one line naming the row, and nothing is graded half-way."""

import pytest

from grader.roster import RosterError, Student, from_ids, load_roster, role_for


def roster(tmp_path, content, mode="w"):
    path = tmp_path / "roster.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_full_roster(tmp_path):
    path = roster(tmp_path, "student_id,name,email,region,profile,role_arn,account_id\n"
                            "alice,Alice A,a@x.org,eu-west-1,,arn:aws:iam::111122223333:role/Grader,\n"
                            "\n"
                            "bob,,,,,,222233334444\n")
    alice, bob = load_roster(path)
    assert alice == Student("alice", "Alice A", "a@x.org", "eu-west-1", None,
                            "arn:aws:iam::111122223333:role/Grader", None)
    assert role_for(bob, "arn:aws:iam::{account_id}:role/GraderRole") == "arn:aws:iam::222233334444:role/GraderRole"
    assert role_for(alice, "arn:aws:iam::{account_id}:role/Other") == "arn:aws:iam::111122223333:role/Grader"
    assert role_for(Student("c"), "arn:aws:iam::{account_id}:role/X") is None


def test_utf8_bom_and_column_order(tmp_path):
    path = roster(tmp_path, "\ufeffname,student_id\nÉlodie,elodie\n")
    assert load_roster(path) == [Student("elodie", "Élodie")]


@pytest.mark.parametrize("content, message", [
    ("name,email\nAlice,a@x\n", "no student_id column"),
    ("student_id\nalice\nbob\nalice\n", "row 4: student ID 'alice' already appears in row 2"),
    ("student_id\nalice\nbad id\n", "row 3: invalid student ID 'bad id'"),
    ("", "is empty"),
    ("student_id\n", "no students"),
    ("student_id,name\nalice,A,extra\n", "row 2: 3 cells but the header has 2"),
    ("student_id,region\nalice,mars-1\n", "row 2: region 'mars-1'"),
    ("student_id,account_id\nalice,1234\n", "row 2: account_id '1234'"),
    ("student_id,role_arn\nalice,arn:aws:s3:::bucket\n", "row 2: role_arn"),
    ("student_id,regoin\nalice,eu-west-1\n", "column 'regoin' in row 1 is not 'region'"),
    ("student_id,section,section\nalice,A,B\n", "a column appears twice"),
    ('student_id\n"alice\n', "is not valid CSV"),
])
def test_bad_rosters_name_the_row(tmp_path, content, message):
    with pytest.raises(RosterError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_roster(roster(tmp_path, content))


def test_the_instructors_own_columns_come_along(tmp_path):
    path = roster(tmp_path, "student_id,section,name\nalice,A,Alice\nbob,,Bob\n")
    assert load_roster(path) == [Student("alice", "Alice", extra=(("section", "A"),)),
                                 Student("bob", "Bob", extra=(("section", ""),))]


def test_not_utf8(tmp_path):
    with pytest.raises(RosterError, match="not UTF-8"):
        load_roster(roster(tmp_path, "student_id\nbj\xf6rn\n".encode("latin-1")))


def test_binary_file_is_not_a_roster(tmp_path):
    with pytest.raises(RosterError):
        load_roster(roster(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))


def test_missing_file(tmp_path):
    with pytest.raises(RosterError, match="cannot read roster"):
        load_roster(tmp_path / "nope.csv")


def test_repeated_ids_on_the_command_line_are_graded_once():
    assert from_ids(("a", "b", "a")) == [Student("a"), Student("b")]
