"""Headless Chromium for tests that must see a page as a browser renders it.

Debian's ``chromium`` is installed on first use when missing and this process may use apt (root, as on
CI); elsewhere the browser tests are skipped, saying why.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def find_or_install() -> tuple[str | None, str]:
    """(path to chromium, reason when there is none)."""
    found = shutil.which("chromium")
    if found:
        return found, ""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return None, "chromium is not installed and this user cannot install Debian packages"
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            return None, f"installing chromium failed: {done.stderr.strip()[-200:]}"
    return shutil.which("chromium"), "chromium installed but not found on PATH"


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
