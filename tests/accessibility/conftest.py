"""Fixtures for the browser tests: the demo site as a real server process and headless Chromium.

The server is started the way a user's `make run` starts it (dev settings, DEBUG on so that
runserver serves the static files, migrate, load_demo_data, runserver) but on a free loopback
port, with its own SQLite file in a temporary directory: never the test database, and never the
PostgreSQL database CI points DATABASE_URL at for the main suite.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.wait import WebDriverWait

REPO_ROOT = Path(__file__).resolve().parents[2]
MANAGE_PY = REPO_ROOT / "manage.py"
AXE_JS = REPO_ROOT / "build" / "static" / "vendor" / "axe" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

SERVER_START_TIMEOUT = 60.0
PAGE_LOAD_TIMEOUT = 30
COMMAND_TIMEOUT = 300.0

# The WCAG 2.1 A/AA rule set of axe-core (the level the BITV 2.0 / EN 301 549 require).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
  .then((results) => done({violations: results.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({target: n.target.join(' '), summary: n.failureSummary})),
  }))}))
  .catch((error) => done({error: String(error)}));
"""


def _unavailable(reason: str) -> None:
    """Skip locally; in CI (CI=true) a missing browser is an error, never a silent skip."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the accessibility test must run in CI)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_JS.is_file():
        _unavailable(f"{AXE_JS.relative_to(REPO_ROOT)} is missing: run `make assets`")
    return AXE_JS.read_text(encoding="utf-8")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _server_environment(var_dir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # Our own settings are set below; nothing of the caller's configuration may leak in.
        if not key.startswith("RATHAUS_") and key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "rathaus.conf.dev",
            # Explicit rather than merely unset: a developer's .env may define DATABASE_URL.
            "DATABASE_URL": f"sqlite:///{var_dir / 'rathaus.sqlite3'}",
            "RATHAUS_VAR_DIR": str(var_dir),
            "RATHAUS_DEBUG": "true",
            "RATHAUS_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "RATHAUS_STATIC_ROOT": str(var_dir / "static"),
            "RATHAUS_MEDIA_ROOT": str(var_dir / "media"),
            "RATHAUS_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "RATHAUS_LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _manage(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(
        [sys.executable, str(MANAGE_PY), *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(
            f"manage.py {' '.join(args)} failed ({result.returncode}):\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}",
            pytrace=False,
        )


def _wait_until_answering(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"runserver exited with {process.returncode}:\n{log.read_text()[-3000:]}",
                pytrace=False,
            )
        try:
            with urllib.request.urlopen(base_url + "/", timeout=5):
                return
        except urllib.error.HTTPError:
            return  # it answers; the crawl reports the status
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"runserver did not answer within {SERVER_START_TIMEOUT:.0f}s", pytrace=False)


@pytest.fixture(scope="session")
def demo_environment() -> Iterator[dict[str, str]]:
    """The demo server's environment (own settings, own SQLite file), migrated and seeded."""
    var_dir = Path(tempfile.mkdtemp(prefix="rathaus-a11y-"))
    env = _server_environment(var_dir)
    try:
        _manage(env, "migrate", "--noinput")
        # The server must run on its own SQLite file, not on a database named by the caller.
        assert (var_dir / "rathaus.sqlite3").is_file()
        _manage(env, "load_demo_data")
        # The accounts test_axe_logged_in.py logs in with; written before the server starts,
        # so that no request of the server competes with this write for the SQLite file.
        _manage(env, "shell", "-c", "from tests.accessibility.seed_accounts import seed; seed()")
        yield env
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def demo_server(demo_environment: dict[str, str]) -> Iterator[str]:
    """Base URL (no trailing slash) of the demo site served by a real `runserver` process."""
    env = demo_environment
    var_dir = Path(env["RATHAUS_VAR_DIR"])
    port = _free_port()
    log = var_dir / "runserver.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, str(MANAGE_PY), "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=REPO_ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_answering(base_url, process, log)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@dataclass
class PageAudit:
    """What the browser found on one page in one language."""

    url: str
    language: str
    lang_attribute: str
    violations: list[dict[str, Any]] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        """One line per finding: axe violations per node, missing/wrong lang, console errors."""
        where = f"{self.url} [{self.language}]"
        lines = []
        if not self.lang_attribute.lower().startswith(self.language):
            lines.append(
                f"{where}: <html lang={self.lang_attribute!r}>, expected {self.language!r}"
            )
        for violation in self.violations:
            for node in violation["nodes"]:
                lines.append(
                    f"{where}: {violation['id']} ({violation['impact']}) {violation['help']}"
                    f" — {node['target']}"
                )
        lines.extend(f"{where}: console: {message}" for message in self.console_errors)
        return lines

    def rule_help(self) -> dict[str, str]:
        """axe rule id → its Deque University page (how to fix)."""
        return {violation["id"]: violation["helpUrl"] for violation in self.violations}


class AxeBrowser:
    """Headless Chromium that loads pages, runs axe-core in them and reads the console."""

    def __init__(self, driver: Any, base_url: str, axe_source: str) -> None:
        self.driver = driver
        self.base_url = base_url
        self.axe_source = axe_source

    def set_language(self, language: str) -> None:
        """Choose the UI language the way Django remembers it: the `django_language` cookie."""
        if not self.driver.current_url.startswith(self.base_url):
            self.driver.get(self.base_url + "/")
        cookie = self.driver.get_cookie("django_language")
        if cookie is None or cookie["value"] != language:
            self.driver.add_cookie({"name": "django_language", "value": language, "path": "/"})

    def open(self, url: str, *, language: str) -> None:
        self.set_language(language)
        self.drain_console()
        self.driver.get(url if url.startswith("http") else self.base_url + url)

    def submit(self, button: Any) -> None:
        """Click a submit button and wait until the next page has loaded."""
        # KERN sets `scroll-behavior: smooth`; a click during the scroll animation misses.
        self.driver.execute_script(
            "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", button
        )
        # A marker on the old document tells when the new one has replaced it (selenium's
        # staleness_of can hit a transient inspector error while the old DOM is torn down).
        self.driver.execute_script("window.__rathausOldPage = true")
        button.click()
        wait = WebDriverWait(
            self.driver, PAGE_LOAD_TIMEOUT, ignored_exceptions=(WebDriverException,)
        )
        wait.until(
            lambda d: d.execute_script(
                "return !window.__rathausOldPage && document.readyState === 'complete'"
            )
        )

    def drain_console(self) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = self.driver.get_log("browser")
        return entries

    def audit_current(self, *, language: str) -> PageAudit:
        """Run axe on the page now shown (after navigation or a form submit)."""
        url = self.driver.current_url
        lang = self.driver.execute_script("return document.documentElement.lang || ''")
        self.driver.execute_script(self.axe_source)
        result = self.driver.execute_async_script(_AXE_RUN, AXE_TAGS)
        if "error" in result:
            raise AssertionError(f"axe.run failed on {url}: {result['error']}")
        return PageAudit(
            url=url,
            language=language,
            lang_attribute=lang,
            violations=result["violations"],
            console_errors=self._console_errors(url),
        )

    def audit(self, url: str, *, language: str) -> PageAudit:
        self.open(url, language=language)
        return self.audit_current(language=language)

    def _console_errors(self, page_url: str) -> list[str]:
        errors = []
        for entry in self.drain_console():
            if entry["level"] != "SEVERE":
                continue
            message: str = entry["message"]
            # The document's own status (e.g. 400 for a form with errors) is the server's
            # business; any other failed load, script error or CSP block is a defect.
            if entry.get("source") == "network" and message.startswith(page_url + " "):
                continue
            errors.append(message)
        return errors


@pytest.fixture(scope="session")
def chromium() -> None:
    """Checked before the demo server starts, so that a skip is quick."""
    if not CHROMIUM.is_file() or not CHROMEDRIVER.is_file():
        _unavailable(
            f"{CHROMIUM} / {CHROMEDRIVER} not installed (Debian: apt-get install chromium "
            "chromium-driver)"
        )


@pytest.fixture(scope="session")
def browser(chromium: None, axe_source: str, demo_server: str) -> Iterator[AxeBrowser]:
    profile = tempfile.mkdtemp(prefix="rathaus-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1024",
        "--lang=de-DE",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "de-DE,de"})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # An explicit driver path keeps selenium-manager from looking for (or downloading) one.
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(PAGE_LOAD_TIMEOUT)
    driver.set_script_timeout(60)
    try:
        yield AxeBrowser(driver, demo_server, axe_source)
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def seeded(demo_environment: dict[str, str], demo_server: str) -> dict[str, object]:
    result = subprocess.run(
        [
            sys.executable,
            str(MANAGE_PY),
            "shell",
            "-c",
            "from tests.accessibility.application_seed import seed; seed()",
        ],
        cwd=REPO_ROOT,
        env=demo_environment,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"seed failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    data: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return data
