"""A real headless Chromium for the class server's pages: Debian's ``chromium`` and ``chromium-driver``,
driven by Selenium with both paths given (so Selenium never looks for, or downloads, a browser)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from tests.browser import _FLAGS

FLAGS = [*_FLAGS, "--disable-dev-shm-usage", "--window-size=1280,1600"]


def binaries() -> tuple[str | None, str | None, str]:
    """(chromium, chromedriver, why not): installs Debian's packages when missing and this process may."""
    chromium, chromedriver = shutil.which("chromium"), shutil.which("chromedriver")
    if chromium and chromedriver:
        return chromium, chromedriver, ""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return None, None, "chromium and chromium-driver are not installed (Debian: apt-get install chromium chromium-driver)"
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium", "chromium-driver"]):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            return None, None, f"installing chromium failed: {done.stderr.strip()[-200:]}"
    return shutil.which("chromium"), shutil.which("chromedriver"), "chromium installed but not on PATH"


def driver(profile: Path) -> tuple[Any, str]:
    """(a Selenium driver, "") or (None, why not)."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        return None, "selenium is not installed: pip install -e '.[test]'"
    chromium, chromedriver, reason = binaries()
    if not chromium or not chromedriver:
        return None, reason
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in [*FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    return webdriver.Chrome(options=options, service=Service(executable_path=chromedriver)), ""
