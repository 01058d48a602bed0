"""Fixes pasted into bash run the command they print and nothing else, whatever values they carry: in a
shared account a classmate chooses names, descriptions and policies that end up in another student's fix."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader import shell

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash to paste into")

# What an `aws` replaced by a shell function receives: each argument NUL-terminated, into a file.
STUB = 'aws() { printf "%s\\0" "$@" >> "$ARGS"; }\n'
SHELL_SPECIAL = " \t\n'\"\\$`!;&|<>(){}[]*?#~=%^,"
HOSTILE = st.text(alphabet=st.sampled_from(SHELL_SPECIAL) | st.characters(codec="utf-8", exclude_characters="\x00"),
                  min_size=1, max_size=24)


def paste(fix: str, folder: Path) -> list[str]:
    """Runs the fix in bash (in ``folder``, ``aws`` stubbed): the arguments its ``aws`` commands got."""
    args = folder / "args"
    args.write_bytes(b"")
    ran = subprocess.run(["bash", "-c", STUB + fix], cwd=folder, env={"ARGS": str(args), "PATH": "/usr/bin:/bin"},
                         capture_output=True, timeout=10)
    assert ran.returncode == 0, ran.stderr
    return args.read_bytes().decode().split("\0")[:-1]


@settings(max_examples=120, deadline=None)
@given(words=st.lists(HOSTILE, min_size=1, max_size=4))
def test_values_read_from_aws_arrive_as_one_word_each(words, tmp_path_factory):
    folder = tmp_path_factory.mktemp("paste")
    fix = shell.fix(shell.comment("a hostile value below"), shell.aws("cloudwatch", "put-metric-alarm", *words))
    received = paste(fix, folder)
    assert received == ["cloudwatch", "put-metric-alarm", *words]
    assert sorted(p.name for p in folder.iterdir()) == ["args"]  # nothing else ran: no file made or changed


def test_an_alarm_named_like_a_placeholder_is_quoted():
    # The attack: `<...>` with a space and a quote left bare opened a quote the next word closed.
    name = "<Throttles alarm for bob's function>"
    line = shell.aws("cloudwatch", "put-metric-alarm", "--alarm-name", name, "--alarm-description",
                     "x; touch PWNED; #")
    assert shell.split_words(line)[4] == shell.quote(name) == "'<Throttles alarm for bob'\"'\"'s function>'"
    assert shell.quote("<x>") == "'<x>'" and shell.quote("<abc>-1") == "'<abc>-1'"  # undeclared brackets


def test_only_declared_placeholders_stay_bare():
    role = shell.placeholder("your-lambda-role")
    assert shell.quote(f"arn:aws:iam::123456789012:role/{role}") == f"arn:aws:iam::123456789012:role/{role}"
    assert shell.quote(f"{role};x") == f"'{role};x'"  # a declared placeholder beside a metacharacter: quoted
    for bad in ("Your-Role", "a b", "bob's", "x;y", "", "-x"):
        with pytest.raises(ValueError):
            shell.placeholder(bad)


def test_a_value_equal_to_a_placeholder_runs_nothing(tmp_path):
    """A classmate may name an alarm exactly as a placeholder the grader declares: it prints bare, and bash
    refuses the command (no such input file) before running it or creating any file."""
    role = shell.placeholder("your-lambda-role")
    fix = shell.aws("cloudwatch", "put-metric-alarm", "--alarm-name", role, "--alarm-description", "x")
    args = tmp_path / "args"
    ran = subprocess.run(["bash", "-c", STUB + fix], cwd=tmp_path, env={"ARGS": str(args), "PATH": "/usr/bin:/bin"},
                         capture_output=True, text=True, timeout=10)
    assert ran.returncode != 0 and "No such file" in ran.stderr
    assert not args.exists() and sorted(p.name for p in tmp_path.iterdir()) == []
