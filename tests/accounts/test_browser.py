"""In a real Chromium: a full passkey ceremony (Chromium's virtual WebAuthn authenticator) and
axe-core on the account pages, with the production CSP (allauth's JavaScript is a static file).

Marked `browser` like tests/accessibility; skipped when Chromium is not installed (an error in
CI, where it must run).
"""

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.virtual_authenticator import (
    Protocol,
    Transport,
    VirtualAuthenticatorOptions,
)

from rathaus.core.models import AuditEvent
from tests.accessibility.conftest import AxeBrowser
from tests.accounts.conftest import PASSWORD, make_citizen

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AXE_JS = Path(__file__).resolve().parents[2] / "build/static/vendor/axe/axe.min.js"


@pytest.fixture
def browser(live_server, settings) -> Iterator[AxeBrowser]:
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists() and AXE_JS.exists()):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("Chromium, chromedriver or axe-core missing (CI=true)")
        pytest.skip("Chromium, chromedriver or axe-core missing")
    # The live server speaks plain http on localhost (a secure context for the browser);
    # production requires https, where this stays off.
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
    profile = tempfile.mkdtemp(prefix="rathaus-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1024",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(60)
    try:
        yield AxeBrowser(driver, live_server.url, AXE_JS.read_text(encoding="utf-8"))
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _clean(browser: AxeBrowser, *, language: str = "de") -> None:
    problems = browser.audit_current(language=language).problems()
    assert not problems, "\n".join(problems)


def _fill_and_submit(browser: AxeBrowser, fields: dict[str, str]) -> None:
    for name, value in fields.items():
        element = browser.driver.find_element(By.NAME, name)
        element.clear()
        element.send_keys(value)
    buttons = browser.driver.find_elements(By.CSS_SELECTOR, "main form button[type=submit]")
    browser.submit(buttons[0])


def _click(browser: AxeBrowser, element: Any) -> None:
    # KERN sets `scroll-behavior: smooth`; a click during the scroll animation misses.
    browser.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element
    )
    element.click()


def _wait_for(condition: Any, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("condition not reached in time")


def test_passkey_enrolment_and_passwordless_login(browser):
    user = make_citizen()
    driver = browser.driver
    driver.add_virtual_authenticator(
        VirtualAuthenticatorOptions(
            protocol=Protocol.CTAP2,
            transport=Transport.INTERNAL,
            has_resident_key=True,
            has_user_verification=True,
            is_user_verified=True,
        )
    )
    for url in ("/konto/anmelden/", "/konto/registrieren/", "/konto/passwort/vergessen/"):
        browser.open(url, language="de")
        _clean(browser)

    browser.open("/konto/anmelden/", language="de")
    _fill_and_submit(browser, {"login": user.email, "password": PASSWORD})
    assert driver.current_url.endswith("/konto/")
    for url in ("/konto/", "/konto/profil/", "/konto/einwilligungen/", "/konto/daten/",
                "/konto/loeschen/", "/konto/2fa/"):  # fmt: skip
        for language in ("de", "en"):
            browser.open(url, language=language)
            _clean(browser, language=language)

    browser.open("/konto/reauthenticate/", language="de")
    _fill_and_submit(browser, {"password": PASSWORD})
    browser.open("/konto/2fa/webauthn/add/", language="de")
    _clean(browser)
    driver.find_element(By.NAME, "name").send_keys("Laptop")
    _click(browser, driver.find_element(By.NAME, "passwordless"))  # a passkey (discoverable)
    _click(browser, driver.find_element(By.ID, "mfa_webauthn_add"))
    _wait_for(lambda: Authenticator.objects.filter(user=user, type="webauthn").exists())
    assert AuditEvent.objects.filter(action="mfa.add", details__type="webauthn").exists()

    browser.submit(
        driver.find_element(By.CSS_SELECTOR, "header form[action='/konto/abmelden/'] button")
    )
    assert driver.get_cookie("sessionid") is None or "/konto/" not in driver.current_url[-7:]
    browser.open("/konto/anmelden/", language="de")
    _click(browser, driver.find_element(By.ID, "passkey_login"))
    try:
        _wait_for(lambda: driver.current_url.endswith("/konto/"))
    except AssertionError:
        raise AssertionError(
            f"{driver.current_url}\n{browser.drain_console()}\n{driver.page_source[-3000:]}"
        ) from None
    event = AuditEvent.objects.filter(action="mfa.authenticate").first()
    assert event is not None and event.details["passwordless"] is True
    assert event.actor_id == str(user.pk)
    assert AuditEvent.objects.filter(action="auth.login", actor_id=str(user.pk)).count() == 2
