"""The shipped ``data_vault_load`` example run on the shared stack (shared_stack.py), and headless Chromium.

Chromium and its WebDriver are Debian's (``scripts/apt/ui.txt``); Selenium is given both paths, so nothing
is downloaded when the tests run. Screenshots go to ``tests/system/artifacts/`` (git-ignored).
"""

from __future__ import annotations

import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from glue_workflow_provider.local.glue_server import OUTCOME_TAG
from tests.system.operating import Stack

REPOSITORY = Path(__file__).resolve().parents[2]
EXAMPLE = REPOSITORY / "dags" / "workflows" / "data_vault_load.yaml"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
DAG_ID = "data-vault-load"


@dataclass
class UiStack:
    """The running demo, and the run of ``data-vault-load`` in which load-hubs ended TIMEOUT."""

    demo: Any
    run_id: str = ""

    @property
    def base_url(self) -> str:
        return str(self.demo.base_url)

    def run_path(self, run_id: str | None = None) -> str:
        return f"/dags/{DAG_ID}/runs/{urllib.parse.quote(run_id or self.run_id, safe='')}"


def definitions() -> dict[str, str]:
    """The shipped example, polled every 2 s instead of 10 (its Glue part unchanged)."""
    return {EXAMPLE.name: EXAMPLE.read_text() + "Airflow: {poll_interval: 2}\n"}


def start_ui_stack(stack: Stack) -> UiStack:
    """On the shared stack: run the shipped example once, every node RUNNING 2 s and load-hubs ending TIMEOUT."""
    from tests.system.shared_stack import run_for

    run_for(stack, definitions()[EXAMPLE.name], 2)
    stack.tag("job", "load-hubs", {OUTCOME_TAG: "TIMEOUT"})
    made = UiStack(stack.demo)
    made.run_id = stack.trigger(DAG_ID)
    stack.wait_run(DAG_ID, made.run_id)
    return made


@contextmanager
def chromium(width: int = 1600, height: int = 1100) -> Iterator[Any]:
    """A headless Chromium driven through Debian's chromedriver."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", f"--window-size={width},{height}"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def eventually(what: str, probe: Callable[[], Any], timeout: float = 60) -> Any:
    """Poll ``probe`` until it returns a truthy value (the UI renders after its API calls answer)."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = probe()
        except Exception as exc:  # a page mid-render: stale or missing elements
            last = exc
        if last and not isinstance(last, Exception):
            return last
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


def log_in(driver: Any, base_url: str, username: str, password: str) -> None:
    """Sign in through Airflow's own login page, as a user would."""
    from selenium.webdriver.common.by import By

    driver.get(base_url + "/")
    eventually("the login form", lambda: driver.find_elements(By.CSS_SELECTOR, "input[name=username]"))
    driver.find_element(By.CSS_SELECTOR, "input[name=username]").send_keys(username)
    driver.find_element(By.CSS_SELECTOR, "input[name=password]").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    eventually("the signed-in UI", lambda: driver.get_cookie("_token"))


def screenshot(driver: Any, name: str) -> Path:
    """Save the window as ``artifacts/NAME.png``; print and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    print(f"screenshot: {path}")
    return path
