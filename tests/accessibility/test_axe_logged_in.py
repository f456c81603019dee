"""Accessibility behind the login: the citizen account (/konto/) and the staff area (/intern/).

Run alone: `.venv/bin/python -m pytest tests/accessibility/test_axe_logged_in.py` (about a
minute; the demo server and the browser are shared with test_axe.py when run together).

Same harness as test_axe.py (demo server, headless Chromium, axe-core with the WCAG 2.1 A/AA
tags, `<html lang>` and console/CSP check). seed_accounts.py adds to the demo server's database
a citizen, a citizen with TOTP and recovery codes, and a staff member of a Düren office
(specialist and system administration) with TOTP; all log in through the real forms, with
TOTP codes computed from the known secret.

- Citizen, German: every page linked from the account area, breadth-first from /konto/, plus
  the pages reached only through buttons (TOTP activation and passkeys after confirming the
  password, trust level, eID, acting-as, proxies …), after an organisation has been created
  through its form and a member invited (detail page with members and an invitation).
  Logout, deletion (the page is audited, never submitted), the JSON export, the recovery-code
  download and the start of an external login are not followed. English: the first page of
  every URL pattern found in German.
- The MFA pages that exist once TOTP is set up (recovery codes, deactivation, code forms).
- Acting for an organisation (the banner), German and English.
- Pages before login (login, registration, password reset, external login: the portal does not
  link them) and states, German and English: login with a wrong password, registration with
  errors and done, password reset sent, profile with an error (error summary), password change
  with errors, a second e-mail address added, organisation form with errors, a proxy granted
  (after a submit with errors), an unknown invitation link, a service needing a higher trust
  level (step-up page).
- Staff: the TOTP code form, every page linked from /intern/ except the Django admin (start,
  services, office detail with its contact form, roles, the records: overview, file plan, a
  file and a document of records_seed.py, search; the worklist, a task and the process
  models with their versions of workflow_seed.py), the contact and role forms with errors,
  the records' search results and each records form with errors, the worklist's views and
  each workflow form with errors, German and English.
"""

import tempfile
import urllib.parse
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.urls import Resolver404, resolve
from selenium.webdriver.common.by import By

from tests.accessibility.conftest import AxeBrowser, PageAudit, _manage
from tests.accessibility.records_seed import SEARCH_WORD as RECORDS_SEARCH_WORD
from tests.accessibility.seed_accounts import (
    CITIZEN_EMAIL,
    CITIZEN_PASSWORD,
    MFA_CITIZEN_EMAIL,
    STAFF_EMAIL,
    STAFF_PASSWORD,
    TOTP_SECRET,
)
from tests.accessibility.test_axe import _problems, _report
from tests.accessibility.workflow_seed import FORM_FIELD as TASK_FORM_FIELD
from tests.applications import upload_samples
from tests.staff.people import totp_code

pytestmark = pytest.mark.browser

MAX_PAGES = 60
# Links a crawl must not follow: they end the session, delete the account, leave the site or
# are not HTML. The deletion page itself is audited (reached from the navigation, GET only).
ACCOUNT_SKIP = (
    "/konto/abmelden/",
    "/konto/logout/",
    "/konto/geloescht/",
    "/konto/daten/export.json",
    "/konto/2fa/recovery-codes/download/",
)
ACCOUNT_SKIP_ROUTES = {"federation:begin", "federation:callback", "federation:metadata"}
# Reached through buttons or only after an action, not through links.
ACCOUNT_EXTRA = (
    "/konto/2fa/totp/activate/",
    "/konto/2fa/webauthn/",
    "/konto/2fa/webauthn/add/",
    "/konto/vertrauensniveau/",
    "/konto/extern/",
    "/konto/handeln-fuer/",
    "/konto/vollmachten/",
    "/konto/organisationen/",
    "/konto/daten/",
    "/konto/loeschen/",
)
# Every route of the account area the crawl has to reach (a link lost would go unaudited).
ACCOUNT_ROUTES = {
    "accounts:overview",
    "accounts:profile",
    "accounts:consents",
    "accounts:personal-data",
    "accounts:delete",
    "account_email",
    "account_change_password",
    "mfa_index",
    "mfa_activate_totp",
    "mfa_list_webauthn",
    "mfa_add_webauthn",
    "organisations:list",
    "organisations:detail",
    "organisations:acting-as",
    "organisations:proxies",
    "federation:overview",
    "federation:step-up",
}
STAFF_ROUTES = {
    "backoffice:start",
    "backoffice:service-offers",
    "backoffice:office-detail",
    "backoffice:roles",
    "backoffice:submission-list",
    "backoffice:submission-detail",
    "backoffice:records-overview",
    "backoffice:records-plan",
    "backoffice:records-file",
    "backoffice:records-document",
    "backoffice:records-disposal",
    "backoffice:tasks",
    "backoffice:task",
    "backoffice:process-models",
    "backoffice:process-version",
    "backoffice:process-version-migrate",
}


@pytest.fixture(scope="session")
def accounts(demo_server: str) -> str:
    """The demo server's base URL; its database holds seed_accounts.py's accounts (conftest)."""
    return demo_server


def _route(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def _path(browser: AxeBrowser) -> str:
    return urllib.parse.urlsplit(browser.driver.current_url).path


def _input(browser: AxeBrowser, name: str) -> Any:
    """The text-like field `name` (not a radio button or hidden input of the same name)."""
    return browser.driver.find_element(
        By.CSS_SELECTOR, f"[name={name}]:not([type=radio]):not([type=hidden])"
    )


def _fill(browser: AxeBrowser, values: dict[str, str]) -> None:
    for name, value in values.items():
        element = _input(browser, name)
        element.clear()
        element.send_keys(value)


def _submit_form_of(browser: AxeBrowser, field_name: str) -> None:
    form = _input(browser, field_name).find_element(By.XPATH, "./ancestor::form")
    browser.submit(form.find_element(By.CSS_SELECTOR, "[type=submit]"))


def _assert_error_title(browser: AxeBrowser, language: str) -> None:
    """A form with errors says so first in the page title (read out when the page loads)."""
    prefix = {"de": "Fehler: ", "en": "Error: "}[language]
    assert browser.driver.title.startswith(prefix), browser.driver.title


def _log_out(browser: AxeBrowser) -> None:
    browser.open("/", language="de")
    browser.driver.delete_all_cookies()


def _log_in_citizen(browser: AxeBrowser, *, email: str = CITIZEN_EMAIL) -> None:
    _log_out(browser)
    browser.open("/konto/anmelden/", language="de")
    _fill(browser, {"login": email, "password": CITIZEN_PASSWORD})
    _submit_form_of(browser, "password")


def _reauthenticate(browser: AxeBrowser, *, language: str) -> PageAudit:
    """Confirms the password (allauth asks before MFA changes); returns the form's audit."""
    browser.open("/konto/reauthenticate/", language=language)
    audit = browser.audit_current(language=language)
    _fill(browser, {"password": CITIZEN_PASSWORD})
    _submit_form_of(browser, "password")
    return audit


def _log_in_staff(browser: AxeBrowser) -> list[PageAudit]:
    """Password, then the TOTP code; returns the audits of the code form (German, English).

    One login for all staff tests: allauth refuses a code a second time within its window."""
    _log_out(browser)
    browser.open("/intern/", language="de")
    assert _path(browser) == "/konto/anmelden/"
    _fill(browser, {"login": STAFF_EMAIL, "password": STAFF_PASSWORD})
    _submit_form_of(browser, "password")
    code_url = browser.driver.current_url
    assert _route(_path(browser)) == "mfa_authenticate", code_url
    code_forms = [browser.audit(code_url, language=language) for language in ("de", "en")]
    browser.set_language("de")
    _fill(browser, {"code": totp_code(TOTP_SECRET)})
    _submit_form_of(browser, "code")
    assert _path(browser) == "/intern/", browser.driver.current_url
    return code_forms


def _links(browser: AxeBrowser) -> list[str]:
    hrefs: list[str] = browser.driver.execute_script(
        "return Array.from(document.querySelectorAll('a[href]'), (a) => a.href)"
    )
    return hrefs


def _crawl_in_browser(
    browser: AxeBrowser,
    *,
    start: tuple[str, ...],
    prefix: str,
    skip: tuple[str, ...],
    skip_routes: set[str],
    language: str,
) -> dict[str, PageAudit]:
    """Audits `start` and every page under `prefix` linked from them, breadth-first, each path
    once (fragment and query dropped), in the logged-in browser."""
    audits: dict[str, PageAudit] = {}
    queue = deque(start)
    seen = set(start)
    while queue and len(audits) < MAX_PAGES:
        path = queue.popleft()
        audit = browser.audit(path, language=language)
        final_path = _path(browser)
        assert final_path.startswith(prefix), f"{path} led to {browser.driver.current_url}"
        audits.setdefault(final_path, audit)
        for href in _links(browser):
            parts = urllib.parse.urlsplit(href)
            if f"{parts.scheme}://{parts.netloc}" != browser.base_url:
                continue
            target = parts.path
            if (
                not target.startswith(prefix)
                or target.startswith(skip)
                or target in seen
                or _route(target) in skip_routes
            ):
                continue
            seen.add(target)
            queue.append(target)
    assert not queue, f"more than {MAX_PAGES} pages"
    return audits


def _first_per_route(paths: list[str]) -> list[str]:
    first: dict[str | None, str] = {}
    for path in paths:
        first.setdefault(_route(path), path)
    return list(first.values())


def _create_organisation(browser: AxeBrowser) -> str:
    """Creates an organisation and invites a member; returns the organisation's detail path."""
    browser.open("/konto/organisationen/", language="de")
    _fill(browser, {"name": "Heimatverein Düren-Nord e. V.", "city": "Düren"})
    _submit_form_of(browser, "name")
    detail = _path(browser)
    assert _route(detail) == "organisations:detail", browser.driver.current_url
    _fill(browser, {"email": "kassenwart@example.org"})
    _submit_form_of(browser, "email")
    assert "kassenwart@example.org" in browser.driver.page_source
    return detail


@pytest.fixture(scope="module")
def citizen_audits(browser: AxeBrowser, accounts: str) -> dict[str, PageAudit]:
    _as_citizen(browser)
    organisation = _create_organisation(browser)
    _reauthenticate(browser, language="de")
    return _crawl_in_browser(
        browser,
        start=("/konto/", organisation, *ACCOUNT_EXTRA),
        prefix="/konto/",
        skip=ACCOUNT_SKIP,
        skip_routes=ACCOUNT_SKIP_ROUTES,
        language="de",
    )


def test_account_pages_in_german(citizen_audits: dict[str, PageAudit]) -> None:
    reached = {_route(path) for path in citizen_audits}
    assert ACCOUNT_ROUTES - reached == set(), "add a link or an ACCOUNT_EXTRA entry"
    audits = list(citizen_audits.values())
    assert not _problems(audits), _report(f"{len(audits)} German account pages", audits)


def test_one_account_page_per_type_in_english(
    browser: AxeBrowser, citizen_audits: dict[str, PageAudit]
) -> None:
    _as_citizen(browser)
    audits = [browser.audit(path, language="en") for path in _first_per_route(list(citizen_audits))]
    assert not _problems(audits), _report(f"{len(audits)} English account pages", audits)


# --- States a crawler cannot reach (after a form submit), citizen logged in -----------------


@dataclass(frozen=True)
class State:
    name: str
    reach: Callable[[AxeBrowser, str], None]


def _profile_with_an_error(browser: AxeBrowser, language: str) -> None:
    browser.open("/konto/profil/", language=language)
    # Longer than the field allows (the maxlength attribute only limits typing).
    browser.driver.execute_script(
        "document.querySelector('[name=first_name]').value = 'E'.repeat(200)"
    )
    _submit_form_of(browser, "first_name")
    summary = browser.driver.find_element(By.ID, "error-summary")
    assert summary.find_elements(By.CSS_SELECTOR, "a[href='#id_first_name']")
    _assert_error_title(browser, language)


def _password_change_with_an_error(browser: AxeBrowser, language: str) -> None:
    browser.open("/konto/passwort/aendern/", language=language)
    _fill(
        browser,
        {"oldpassword": "nicht-das-passwort", "password1": "kurz", "password2": "anders"},
    )
    _submit_form_of(browser, "oldpassword")
    assert _path(browser) == "/konto/passwort/aendern/"
    assert browser.driver.find_elements(By.CSS_SELECTOR, "[aria-invalid=true]")
    _assert_error_title(browser, language)


def _second_email_address(browser: AxeBrowser, language: str) -> None:
    browser.open("/konto/e-mail/", language=language)
    _fill(browser, {"email": f"erika.{language}@example.net"})
    _submit_form_of(browser, "email")
    assert f"erika.{language}@example.net" in browser.driver.page_source


def _organisation_form_with_errors(browser: AxeBrowser, language: str) -> None:
    browser.open("/konto/organisationen/", language=language)
    _submit_form_of(browser, "name")
    assert browser.driver.find_elements(By.ID, "error-summary")
    _assert_error_title(browser, language)


def _proxy_granted(browser: AxeBrowser, language: str) -> None:
    browser.open("/konto/vollmachten/", language=language)
    _submit_form_of(browser, "agent_email")  # empty: errors
    assert browser.driver.find_elements(By.ID, "error-summary")
    _assert_error_title(browser, language)
    _fill(browser, {"agent_email": MFA_CITIZEN_EMAIL})
    browser.driver.execute_script(
        "document.querySelector('[name=valid_from]').value = new Date().toISOString().slice(0, 10)"
    )
    _submit_form_of(browser, "agent_email")
    assert not browser.driver.find_elements(By.ID, "error-summary")
    assert browser.driver.find_elements(By.CSS_SELECTOR, "form[action*='/widerrufen/']")


def _unknown_invitation(browser: AxeBrowser, language: str) -> None:
    browser.open("/konto/einladung/kein-gueltiger-code/", language=language)
    assert _route(_path(browser)) == "organisations:invitation-accept"


def _service_needing_a_higher_trust_level(browser: AxeBrowser, language: str) -> None:
    browser.open("/konto/leistung/geburtsurkunde/starten/", language=language)
    assert _route(_path(browser)) == "federation:step-up", browser.driver.current_url


CITIZEN_STATES = [
    State("profile-error", _profile_with_an_error),
    State("password-change-errors", _password_change_with_an_error),
    State("second-email-address", _second_email_address),
    State("organisation-errors", _organisation_form_with_errors),
    State("proxy-granted", _proxy_granted),
    State("unknown-invitation", _unknown_invitation),
    State("step-up", _service_needing_a_higher_trust_level),
]
_citizen_session: dict[str, str] = {}


def _as_citizen(browser: AxeBrowser) -> None:
    """Logs the citizen in unless this browser still has the session of the last login."""
    cookie = browser.driver.get_cookie("sessionid")
    if cookie is None or cookie["value"] != _citizen_session.get("id"):
        _log_in_citizen(browser)
        assert _path(browser) == "/konto/", browser.driver.current_url
        _citizen_session["id"] = browser.driver.get_cookie("sessionid")["value"]


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("state", CITIZEN_STATES, ids=[state.name for state in CITIZEN_STATES])
def test_account_state(browser: AxeBrowser, accounts: str, state: State, language: str) -> None:
    _as_citizen(browser)
    state.reach(browser, language)
    audit = browser.audit_current(language=language)
    assert not audit.problems(), _report(state.name, [audit])


def _choose_acting_as(browser: AxeBrowser, index: int) -> None:
    browser.open("/konto/handeln-fuer/", language="de")
    radios = browser.driver.find_elements(By.CSS_SELECTOR, "input[type=radio][name=choice]")
    assert len(radios) >= 2, "the citizen's organisation is a choice"
    browser.driver.execute_script("arguments[0].click()", radios[index])
    form = radios[index].find_element(By.XPATH, "./ancestor::form")
    browser.submit(form.find_element(By.CSS_SELECTOR, "[type=submit]"))


def test_acting_for_an_organisation(
    browser: AxeBrowser, citizen_audits: dict[str, PageAudit]
) -> None:
    """The banner on every page while acting for an organisation, and the pages it changes."""
    _as_citizen(browser)
    _choose_acting_as(browser, 1)
    try:
        audits = [
            browser.audit(path, language=language)
            for language in ("de", "en")
            for path in ("/konto/", "/konto/vollmachten/", "/konto/handeln-fuer/", "/dueren/")
        ]
        assert "Heimatverein Düren-Nord" in browser.driver.page_source  # the banner
    finally:
        _choose_acting_as(browser, 0)
    assert not _problems(audits), _report("acting for an organisation", audits)


def test_pages_before_login(browser: AxeBrowser, accounts: str) -> None:
    """Login, registration, password reset, external login: not linked from the portal."""
    _log_out(browser)
    crawled = _crawl_in_browser(
        browser,
        start=("/konto/anmelden/", "/konto/registrieren/", "/konto/extern/anmelden/"),
        prefix="/konto/",
        skip=ACCOUNT_SKIP,
        skip_routes=ACCOUNT_SKIP_ROUTES,
        language="de",
    )
    assert {
        "account_login",
        "account_signup",
        "account_reset_password",
        "federation:login",
    } <= {_route(path) for path in crawled}
    audits = [*crawled.values()]
    audits += [browser.audit(path, language="en") for path in _first_per_route(list(crawled))]
    assert not _problems(audits), _report(f"{len(audits)} pages before login", audits)


def _signup(browser: AxeBrowser, language: str, *, email: str, password: str) -> None:
    browser.open("/konto/registrieren/", language=language)
    _fill(browser, {"email": email, "password1": password, "password2": password})
    _submit_form_of(browser, "password1")


def _signup_with_errors(browser: AxeBrowser, language: str) -> None:
    _signup(browser, language, email="kein-at-zeichen", password="kurz")
    assert _route(_path(browser)) == "account_signup"
    assert browser.driver.find_elements(By.CSS_SELECTOR, "[aria-invalid=true]")
    _assert_error_title(browser, language)


def _signup_done(browser: AxeBrowser, language: str) -> None:
    _signup(
        browser, language, email=f"neu.{language}@example.org", password="Ein-Langes-Passwort-99"
    )
    assert _route(_path(browser)) == "account_email_verification_sent", _path(browser)


def _password_reset_sent(browser: AxeBrowser, language: str) -> None:
    browser.open("/konto/passwort/vergessen/", language=language)
    _fill(browser, {"email": CITIZEN_EMAIL})
    _submit_form_of(browser, "email")
    assert _route(_path(browser)) == "account_reset_password_done", _path(browser)


ANONYMOUS_STATES = [
    State("signup-errors", _signup_with_errors),
    State("signup-done", _signup_done),
    State("password-reset-sent", _password_reset_sent),
]


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("state", ANONYMOUS_STATES, ids=[state.name for state in ANONYMOUS_STATES])
def test_state_before_login(
    browser: AxeBrowser, accounts: str, state: State, language: str
) -> None:
    _log_out(browser)
    state.reach(browser, language)
    audit = browser.audit_current(language=language)
    assert not audit.problems(), _report(state.name, [audit])


@pytest.mark.parametrize("language", ["de", "en"])
def test_login_with_a_wrong_password(browser: AxeBrowser, accounts: str, language: str) -> None:
    _log_out(browser)
    browser.open("/konto/anmelden/", language=language)
    _fill(browser, {"login": CITIZEN_EMAIL, "password": "falsch-falsch-falsch"})
    _submit_form_of(browser, "password")
    assert _path(browser) == "/konto/anmelden/"
    _assert_error_title(browser, language)
    audit = browser.audit_current(language=language)
    assert not audit.problems(), _report("login with a wrong password", [audit])
    _as_citizen(browser)  # a success resets the failure count (django-axes)


@pytest.fixture(scope="module")
def staff_audits(
    browser: AxeBrowser,
    accounts: str,
    seeded: dict[str, object],
    records_seeded: None,
    workflow_seeded: None,
) -> tuple[list[PageAudit], list[str]]:
    """The code form and every staff page in German (the inbox with the submission `seeded`
    by the application pages' test, the records with the file of records_seed.py, the task
    and the process models of workflow_seed.py); the staff pages' paths."""
    code_forms = _log_in_staff(browser)
    audits = _crawl_in_browser(
        browser,
        start=("/intern/",),
        prefix="/intern/",
        skip=("/intern/admin/",),
        # Files, not pages.
        skip_routes={
            "backoffice:submission-attachment",
            "backoffice:submission-receipt",
            "backoffice:mailbox-attachment",
            "backoffice:mailbox-attachments",
            "backoffice:mailbox-receipt",
            "backoffice:records-version-download",
            "backoffice:records-plan-csv",
        },
        language="de",
    )
    return [*code_forms, *audits.values()], list(audits)


@pytest.fixture(scope="module")
def records_seeded(demo_environment: dict[str, str], demo_server: str) -> None:
    """An open file with a document of the Steueramt Düren (records_seed.py)."""
    _manage(
        demo_environment, "shell", "-c", "from tests.accessibility.records_seed import seed; seed()"
    )


@pytest.fixture(scope="module")
def workflow_seeded(
    demo_environment: dict[str, str], demo_server: str, seeded: dict[str, object]
) -> None:
    """A published process of "Hund anmelden" in Düren with a task of the seeded case, claimed
    by the staff member, and a draft the engine refuses (workflow_seed.py)."""
    _manage(
        demo_environment,
        "shell",
        "-c",
        "from tests.accessibility.workflow_seed import seed; seed()",
    )


def test_staff_area_in_german(
    browser: AxeBrowser, staff_audits: tuple[list[PageAudit], list[str]]
) -> None:
    audits, paths = staff_audits
    assert STAFF_ROUTES - {_route(path) for path in paths} == set()
    office = next(path for path in paths if _route(path) == "backoffice:office-detail")
    browser.open(office, language="de")
    assert browser.driver.find_elements(By.NAME, "phone"), "the contact form (specialist admin)"
    assert not _problems(audits), _report(f"{len(audits)} German staff pages", audits)


def test_staff_area_in_english(
    browser: AxeBrowser, staff_audits: tuple[list[PageAudit], list[str]]
) -> None:
    _, paths = staff_audits
    audits = [browser.audit(path, language="en") for path in paths]
    assert all(_path(browser).startswith("/intern/") for _ in audits)
    assert not _problems(audits), _report(f"{len(audits)} English staff pages", audits)


@pytest.mark.parametrize("language", ["de", "en"])
def test_staff_forms_with_errors(
    browser: AxeBrowser, staff_audits: tuple[list[PageAudit], list[str]], language: str
) -> None:
    """The office's contact form and the role assignment, each submitted with an error."""
    _, paths = staff_audits
    office = next(path for path in paths if _route(path) == "backoffice:office-detail")
    browser.open(office, language=language)
    _fill(browser, {"email": "keine-adresse"})
    _submit_form_of(browser, "email")
    assert browser.driver.find_elements(By.ID, "id_email_error")
    audits = [browser.audit_current(language=language)]
    browser.open("/intern/rollen/", language=language)
    _fill(browser, {"username": "niemand-mit-diesem-namen"})
    _submit_form_of(browser, "username")
    assert browser.driver.find_elements(By.ID, "id_office_error")  # no office chosen
    audits.append(browser.audit_current(language=language))
    assert not _problems(audits), _report("staff forms with errors", audits)


@pytest.mark.parametrize("language", ["de", "en"])
def test_records_pages_after_a_search_and_with_errors(
    browser: AxeBrowser, staff_audits: tuple[list[PageAudit], list[str]], language: str
) -> None:
    """The records pages a crawl does not reach: the search (a form, not a link) with and
    without results and with an empty query, and each form (file a case, create a file,
    import a plan, add a document, close the file, hand it over, add a version, import an
    xdomea answer) submitted with an error."""
    _, paths = staff_audits
    file_page, plan, document = (
        next(path for path in paths if _route(path) == f"backoffice:records-{name}")
        for name in ("file", "plan", "document")
    )
    audits = []
    browser.open(f"/intern/akten/suche/?q={RECORDS_SEARCH_WORD}", language=language)
    assert "Nachweis der Hundehaftpflichtversicherung" in browser.driver.page_source
    audits.append(browser.audit_current(language=language))
    audits.append(browser.audit("/intern/akten/suche/?q=Katzensteuer", language=language))
    audits.append(browser.audit("/intern/akten/suche/?q=", language=language))
    bad_plan = Path(tempfile.mkdtemp()) / "aktenplan.csv"
    bad_plan.write_text("Nummer;Titel\n;ohne Nummer\n999;\n", encoding="utf-8")
    for path, field, upload in (
        ("/intern/akten/", "file", None),
        (plan, "title", None),
        (plan, "csv_file", bad_plan),
        (file_page, "document-title", None),
        (file_page, "close-reason", None),
        (file_page, "handover-recipient", None),
        (document, "upload", None),
        ("/intern/akten/aussonderung/", "xdomea-message", None),
    ):
        browser.open(path, language=language)
        if upload is not None:
            browser.driver.find_element(By.NAME, field).send_keys(str(upload))
        _submit_form_of(browser, field)
        assert browser.driver.find_elements(By.ID, "error-summary"), (path, field)
        _assert_error_title(browser, language)
        audits.append(browser.audit_current(language=language))
    assert not _problems(audits), _report(f"records pages ({language})", audits)


@pytest.mark.parametrize("language", ["de", "en"])
def test_workflow_pages_in_their_views_and_with_errors(
    browser: AxeBrowser, staff_audits: tuple[list[PageAudit], list[str]], language: str
) -> None:
    """The workflow pages a crawl does not reach: the worklist's other views (links with a
    query), and each form submitted with an error: complete the task (the amount of the
    form "pruefung" missing), complete the task with a task form of its version (its
    required fields empty), give it to a clerk (none chosen), upload a model version (no
    service, no file), move running cases to another version (none chosen)."""
    _, paths = staff_audits
    tasks = [path for path in paths if _route(path) == "backoffice:task"]
    task = form_task = ""
    for path in tasks:
        browser.open(path, language=language)
        if browser.driver.find_elements(By.NAME, TASK_FORM_FIELD):
            form_task = path
        elif browser.driver.find_elements(By.NAME, "complete-amount"):
            task = path
    assert task and form_task, tasks
    migrate = next(p for p in paths if _route(p) == "backoffice:process-version-migrate")
    audits = [
        browser.audit(f"/intern/aufgaben/?ansicht={view}", language=language)
        for view in ("team", "nicht-zugewiesen", "ueberfaellig")
    ]
    for path, field in (
        (task, "complete-amount"),
        (form_task, f'"{TASK_FORM_FIELD}"'),  # a CSS attribute value: quoted
        (task, "assign-assignee"),
        ("/intern/prozessmodelle/", "service"),
        (migrate, "instances"),  # no case chosen
    ):
        browser.open(path, language=language)
        _submit_form_of(browser, field)
        assert browser.driver.find_elements(By.ID, "error-summary"), (path, field)
        _assert_error_title(browser, language)
        audits.append(browser.audit_current(language=language))
    assert not _problems(audits), _report(f"workflow pages ({language})", audits)


def test_two_factor_pages_with_totp_and_recovery_codes(browser: AxeBrowser, accounts: str) -> None:
    """A citizen who has set up TOTP: the code form at login, the MFA pages that then exist."""
    _log_out(browser)
    browser.open("/konto/anmelden/", language="de")
    _fill(browser, {"login": MFA_CITIZEN_EMAIL, "password": CITIZEN_PASSWORD})
    _submit_form_of(browser, "password")
    assert _route(_path(browser)) == "mfa_authenticate", browser.driver.current_url
    _fill(browser, {"code": totp_code(TOTP_SECRET)})
    _submit_form_of(browser, "code")
    assert _path(browser) == "/konto/", browser.driver.current_url
    audits = [_reauthenticate(browser, language="en"), _reauthenticate(browser, language="de")]
    crawled = _crawl_in_browser(
        browser,
        start=(
            "/konto/2fa/",
            "/konto/2fa/recovery-codes/",
            "/konto/2fa/recovery-codes/generate/",
            "/konto/2fa/totp/deactivate/",
            "/konto/2fa/reauthenticate/",
        ),
        prefix="/konto/2fa/",
        skip=ACCOUNT_SKIP,
        skip_routes=set(),
        language="de",
    )
    assert {
        "mfa_index",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_deactivate_totp",
        "mfa_reauthenticate",
    } <= {_route(path) for path in crawled}
    audits += crawled.values()
    audits += [browser.audit(path, language="en") for path in crawled]
    assert not _problems(audits), _report(f"{len(audits)} two-factor pages", audits)


@pytest.mark.parametrize("language", ["de", "en"])
def test_mailbox_pages(browser: AxeBrowser, accounts: str, language: str) -> None:
    """The citizen's Postfach in every state: empty, the compose form with errors, a thread
    after writing to the Steueramt, the inbox with it, the archive with it."""
    _as_citizen(browser)
    audits = [browser.audit("/postfach/archiv/", language=language)]
    browser.open("/postfach/neu/", language=language)
    audits.append(browser.audit_current(language=language))
    _submit_form_of(browser, "subject")
    assert browser.driver.find_elements(By.CSS_SELECTOR, "[aria-invalid=true]")
    audits.append(browser.audit_current(language=language))
    browser.driver.execute_script(
        "const select = document.querySelector('[name=office]');"
        "select.value = Array.from(select.options).find("
        "(o) => o.text.startsWith('Steueramt') && o.text.includes('Düren')).value;"
    )
    _fill(
        browser, {"subject": f"Frage ({language})", "body": "Guten Tag,\n\n- erstens\n- zweitens"}
    )
    _submit_form_of(browser, "subject")
    assert _route(_path(browser)) == "mailbox:thread", browser.driver.current_url
    thread = _path(browser)
    audits.append(browser.audit_current(language=language))
    audits.append(browser.audit("/postfach/", language=language))
    # A search with results and one without; the notification settings, also with an error.
    audits.append(browser.audit("/postfach/?q=Frage", language=language))
    audits.append(browser.audit("/postfach/?q=Grundsteuer", language=language))
    browser.open("/postfach/benachrichtigung/", language=language)
    audits.append(browser.audit_current(language=language))
    browser.driver.execute_script(
        "document.querySelectorAll('[name=notify]').forEach((r) => { r.checked = false; });"
    )
    browser.submit(
        browser.driver.find_element(
            By.XPATH, "//input[@name='notify']/ancestor::form//button[@type='submit']"
        )
    )
    assert browser.driver.find_elements(By.ID, "id_notify_error")
    audits.append(browser.audit_current(language=language))
    # An answer with a file attached (no scanner here: the file waits for its scan).
    attachment = Path(tempfile.mkdtemp()) / "nachweis.pdf"
    attachment.write_bytes(upload_samples.pdf())
    browser.open(thread, language=language)
    _fill(browser, {"body": "Anbei der Nachweis."})
    browser.driver.find_element(By.NAME, "attachments").send_keys(str(attachment))
    _submit_form_of(browser, "body")
    assert "nachweis.pdf" in browser.driver.page_source
    audits.append(browser.audit_current(language=language))
    browser.open(thread, language=language)
    browser.submit(
        browser.driver.find_element(By.CSS_SELECTOR, "form[action$='/archivieren/'] button")
    )
    audits.append(browser.audit("/postfach/archiv/", language=language))
    assert not _problems(audits), _report(f"mailbox pages ({language})", audits)
