"""Headless Chromium for tests that must see a page as a browser renders it.

Debian's ``chromium`` (and ``chromium-driver`` for Selenium) are installed by ``.ci/run`` before the tests
run, never by a test. Where one is missing the tests that need it are skipped, saying which; with
``GRADER_REQUIRE_SERVICES=1`` (set by ``.ci/run``) a missing one is a failure instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync"]
REQUIRED = os.environ.get("GRADER_REQUIRE_SERVICES") == "1"


def unavailable(reason: str) -> None:
    """Skip, or fail where the services are required (CI)."""
    if REQUIRED:
        pytest.fail(f"{reason} (GRADER_REQUIRE_SERVICES=1: .ci/run installs it)")
    pytest.skip(reason)


def chromium() -> str:
    """The path to Debian's chromium (or the test is skipped or failed, as :func:`unavailable` says)."""
    found = shutil.which("chromium")
    if found is None:
        unavailable("chromium is not installed (Debian: apt-get install chromium; .ci/run does it)")
    return found


def dump_dom(chromium: str, page: Path, profile: Path) -> str:
    """The DOM Chromium built from the page (file:// only; no network)."""
    done = subprocess.run([chromium, *_FLAGS, f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-500:]
    return done.stdout


def screenshot(chromium: str, page: Path, profile: Path, target: Path) -> Path:
    done = subprocess.run([chromium, *_FLAGS, f"--user-data-dir={profile}", f"--screenshot={target}",
                           "--window-size=1200,1600", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and target.exists(), done.stderr[-500:]
    return target
