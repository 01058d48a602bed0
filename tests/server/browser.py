"""A real headless Chromium for the class server's pages: Debian's ``chromium`` and ``chromium-driver``,
driven by Selenium with both paths given (so Selenium never looks for, or downloads, a browser)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from tests.browser import _FLAGS

FLAGS = [*_FLAGS, "--disable-dev-shm-usage", "--window-size=1280,1600"]


def binaries() -> tuple[str | None, str | None, str]:
    """(chromium, chromedriver, why not): Debian's packages, installed by .ci/run (never by a test)."""
    chromium, chromedriver = shutil.which("chromium"), shutil.which("chromedriver")
    if chromium and chromedriver:
        return chromium, chromedriver, ""
    return None, None, "chromium and chromium-driver are not installed (Debian: apt-get install chromium chromium-driver)"


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
