"""The ``aws`` CLI in-process (its real argument and shorthand parsers, its own botocore) against the emulator,
so the emulator is tested against the requests students really send; and the code a student zips.

A whole lambda_medium student is built from README_lambda_medium.md's own blocks, pasted in order
(tests/acceptance/test_readme_blocks.py): the text students follow is the build that is proven.
"""

from __future__ import annotations

import contextlib
import io
import shlex

from awscli.clidriver import create_clidriver

from tests.test_cli import emulator_env


class AwsCli:
    def __init__(self, emulator, monkeypatch, tmp_path):
        for key, value in emulator_env(emulator).items():
            monkeypatch.setenv(key, value)
        # Explicit on every call: the aws CLI must never fall back to a real AWS endpoint.
        self.endpoint = emulator.url
        self.tmp = tmp_path
        self.driver = None

    def __call__(self, line: str, expect_failure: bool = False) -> str:
        out, err = io.StringIO(), io.StringIO()
        if self.driver is None:  # made once: building it loads every command's model (a quarter second)
            self.driver = create_clidriver()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = self.driver.main([*shlex.split(line), "--endpoint-url", self.endpoint])
        assert (code != 0) == expect_failure, f"aws {line}\n{err.getvalue()}"
        return out.getvalue().strip()


def write_zip(path, files):
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)


def write_student_code(tmp) -> None:
    """function.zip (ANY_FUNCTION) and layer.zip (the assessment's utils.py and dependencies) in ``tmp``."""
    from checks.lambda_medium.solution import layer_files
    from tests.checks.lambda_medium.test_code import ANY_FUNCTION

    write_zip(tmp / "function.zip", {"lambda_function.py": ANY_FUNCTION})
    write_zip(tmp / "layer.zip", layer_files())
