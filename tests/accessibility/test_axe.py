"""Accessibility: the demo portal passes axe-core's WCAG 2.1 A/AA rules in a real Chromium.

Run alone: `.venv/bin/python -m pytest tests/accessibility` (or deselect: `-m "not browser"`).

The demo site runs as a real `runserver` process over its own SQLite file, seeded by
`load_demo_data` (see conftest.py); headless Chromium loads each page, axe-core is injected
from `build/static/vendor/axe/axe.min.js` (by WebDriver, as the pages' CSP forbids inline
script) and run with the tags wcag2a, wcag2aa, wcag21a and wcag21aa. Every page must also carry
`<html lang>` matching the UI language, and the browser console must stay free of errors: a
Content-Security-Policy violation there means inline script or style slipped into a template.

Which pages (the sample keeps the run to about two minutes on two cores):

- German, crawled: every same-origin link from `/` (breadth-first, in document order), except
  /api/, /intern/, /static/, /media/, /i18n/ and non-HTML files; fragments and query strings
  are dropped, so each path is audited once. Pages are grouped by URL pattern and municipality:
  every service detail page of FULL_MUNICIPALITY is kept; of every other group at most
  SAMPLE_PER_GROUP pages. So every page type of every portal municipality is audited (start,
  A–Z, life situations, offices, finder, imprint, privacy, accessibility, easy and sign
  language), all services of one municipality, and a few service, office and life-situation
  detail pages of each other municipality: about 140 pages with the current demo data. The
  crawl stops enqueueing at MAX_PAGES (and then fails: lower the sample). Links that answer
  with anything but 200 fail the test.
- English: the first crawled page of every URL pattern, with the `django_language` cookie;
  the language-switch form itself is exercised once.
- States a crawler cannot reach, in German and English: search results (by URL and by typing
  into the htmx live search), the empty search and a search without hits, the
  Zuständigkeitsfinder with a result, with an unknown postcode and with a postcode shared by
  several places (the demo's postal areas: 56812 is Cochem, 56814 Ediger-Eller and Landkern),
  and the accessibility feedback form after a submit with errors (error summary).
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.wait import WebDriverWait

from rathaus.portal import urls as portal_urls
from tests.accessibility.conftest import AxeBrowser, PageAudit
from tests.accessibility.site_crawl import CrawlResult, Sampler, crawl

pytestmark = pytest.mark.browser

FULL_MUNICIPALITY = "dueren"
FINDER_MUNICIPALITY = "cochem-zell"
FINDER_SERVICE = "fahrzeug-zulassen"  # offered by the Kreis, so found from any Ortsgemeinde
SAMPLE_PER_GROUP = 2
MAX_PAGES = 300
PAGE_CHANGE_TIMEOUT = 15


def _report(title: str, audits: list[PageAudit], extra: tuple[str, ...] = ()) -> str:
    """Every finding on its own line (URL, rule, impact, help, selector), then how to fix."""
    problems = [*extra, *_problems(audits)]
    rules = {rule: url for audit in audits for rule, url in audit.rule_help().items()}
    lines = [f"{title}: {len(problems)} problem(s)", *(f"  {p}" for p in problems)]
    if rules:
        lines.append("How to fix:")
        lines.extend(f"  {rule}: {url}" for rule, url in sorted(rules.items()))
    return "\n".join(lines)


def _problems(audits: list[PageAudit]) -> list[str]:
    return [line for audit in audits for line in audit.problems()]


@pytest.fixture(scope="session")
def crawled(demo_server: str) -> CrawlResult:
    return crawl(
        demo_server,
        sampler=Sampler(
            full={("portal:service-detail", FULL_MUNICIPALITY)}, per_group=SAMPLE_PER_GROUP
        ),
        max_pages=MAX_PAGES,
    )


def test_crawl_reaches_every_portal_page_type(crawled: CrawlResult) -> None:
    """A page type the crawl cannot reach would silently go unaudited."""
    reached = {page.route for page in crawled.pages} | {state.route for state in STATES}
    routes = {
        f"{portal_urls.app_name}:{pattern.name}"
        for pattern in portal_urls.urlpatterns
        if isinstance(pattern, URLPattern) and pattern.name
    }
    assert not [p for p in portal_urls.urlpatterns if isinstance(p, URLResolver)]
    assert routes - reached == set(), "add a link or a STATES entry for these routes"
    sections = {page.section for page in crawled.pages}
    assert {FULL_MUNICIPALITY, FINDER_MUNICIPALITY} <= sections
    assert not crawled.truncated, f"more than {MAX_PAGES} pages: lower SAMPLE_PER_GROUP"


def test_crawled_pages_in_german(browser: AxeBrowser, crawled: CrawlResult) -> None:
    audits = [browser.audit(page.path, language="de") for page in crawled.pages]
    broken = tuple(f"broken link: {line}" for line in crawled.broken)
    assert not broken and not _problems(audits), _report(
        f"{len(audits)} German pages", audits, broken
    )


def test_one_page_per_type_in_english(browser: AxeBrowser, crawled: CrawlResult) -> None:
    first_per_route: dict[str, str] = {}
    for page in crawled.pages:
        first_per_route.setdefault(page.route, page.path)
    audits = [browser.audit(path, language="en") for path in first_per_route.values()]
    assert not _problems(audits), _report(f"{len(audits)} English pages", audits)


def test_language_switch_form(browser: AxeBrowser) -> None:
    browser.open(f"/{FULL_MUNICIPALITY}/", language="de")
    button = browser.driver.find_element(
        By.CSS_SELECTOR, "form.language-switch button[name=language][value=en]"
    )
    browser.submit(button)
    audit = browser.audit_current(language="en")
    assert audit.url.endswith(f"/{FULL_MUNICIPALITY}/")  # `next` brings the user back
    assert browser.driver.get_cookie("django_language")["value"] == "en"
    assert not audit.problems(), _report("after switching to English", [audit])


# --- States a crawler cannot reach ---------------------------------------------------------


@dataclass(frozen=True)
class State:
    name: str
    route: str
    reach: Callable[[AxeBrowser, str], None]


def _search_by_url(query: str) -> Callable[[AxeBrowser, str], None]:
    def reach(browser: AxeBrowser, language: str) -> None:
        browser.open(f"/{FULL_MUNICIPALITY}/suche/?q={query}", language=language)

    return reach


def _search_hits_by_url(browser: AxeBrowser, language: str) -> None:
    _search_by_url("Hund")(browser, language)
    hits = browser.driver.find_elements(By.CSS_SELECTOR, "#search-results a[href*='/leistungen/']")
    assert hits, "the demo catalogue should find a service for “Hund”"


def _live_search(browser: AxeBrowser, language: str) -> None:
    browser.open(f"/{FULL_MUNICIPALITY}/suche/", language=language)
    browser.driver.find_element(By.ID, "search-q").send_keys("Hund")
    WebDriverWait(browser.driver, PAGE_CHANGE_TIMEOUT).until(
        lambda driver: (
            driver.find_elements(By.CSS_SELECTOR, "#search-results a[href*='/leistungen/']")
            and driver.find_element(By.ID, "search-count").text.strip()
        )
    )
    assert "q=Hund" in browser.driver.current_url  # hx-push-url


def _finder(postcode: str) -> Callable[[AxeBrowser, str], None]:
    def reach(browser: AxeBrowser, language: str) -> None:
        browser.open(f"/{FINDER_MUNICIPALITY}/zustaendigkeit/", language=language)
        driver = browser.driver
        Select(driver.find_element(By.NAME, "leistung")).select_by_value(FINDER_SERVICE)
        postcode_input = driver.find_element(By.NAME, "plz")
        postcode_input.send_keys(postcode)
        form = postcode_input.find_element(By.XPATH, "./ancestor::form")
        browser.submit(form.find_element(By.CSS_SELECTOR, "[type=submit]"))

    return reach


def _finder_result(browser: AxeBrowser, language: str) -> None:
    _finder("56812")(browser, language)
    assert not browser.driver.find_elements(By.ID, "error-summary")
    assert browser.driver.find_elements(By.CSS_SELECTOR, ".finder-result a[href*='/aemter/']")


def _finder_nothing_found(browser: AxeBrowser, language: str) -> None:
    _finder("99999")(browser, language)
    assert browser.driver.find_elements(By.ID, "error-summary")


def _finder_ambiguous(browser: AxeBrowser, language: str) -> None:
    _finder("56814")(browser, language)
    assert not browser.driver.find_elements(By.ID, "error-summary")
    choices = browser.driver.find_elements(By.CSS_SELECTOR, ".finder-result input[name=ars]")
    assert len(choices) == 2  # Ediger-Eller and Landkern


def _feedback_with_errors(browser: AxeBrowser, language: str) -> None:
    browser.open(f"/{FULL_MUNICIPALITY}/barrierefreiheit/", language=language)
    message = browser.driver.find_element(By.NAME, "message")
    form = message.find_element(By.XPATH, "./ancestor::form")
    browser.driver.find_element(By.NAME, "email").send_keys("not-an-address")
    browser.driver.execute_script("arguments[0].noValidate = true", form)
    browser.submit(form.find_element(By.CSS_SELECTOR, "[type=submit]"))
    summary = browser.driver.find_element(By.ID, "error-summary")
    assert len(summary.find_elements(By.CSS_SELECTOR, "li")) == 2  # message and e-mail


STATES = [
    State("search-hits", "portal:search", _search_hits_by_url),
    State("search-live", "portal:search", _live_search),
    State("search-empty", "portal:search", _search_by_url("")),
    State("search-no-hits", "portal:search", _search_by_url("Xylophonstimmung")),
    State("finder-result", "portal:responsibility", _finder_result),
    State("finder-nothing-found", "portal:responsibility", _finder_nothing_found),
    State("finder-ambiguous", "portal:responsibility", _finder_ambiguous),
    State("feedback-errors", "portal:accessibility", _feedback_with_errors),
]


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("state", STATES, ids=[state.name for state in STATES])
def test_state(browser: AxeBrowser, state: State, language: str) -> None:
    state.reach(browser, language)
    audit = browser.audit_current(language=language)
    assert not audit.problems(), _report(state.name, [audit])


# --- The harness itself ----------------------------------------------------------------------


def test_harness_reports_violations_and_csp_errors(browser: AxeBrowser) -> None:
    """Guards against a harness that passes everything (axe not run, console not read)."""
    browser.open(f"/{FULL_MUNICIPALITY}/", language="de")
    browser.driver.execute_script(
        """
        const img = document.createElement('img');
        img.src = '/static/missing.png';
        img.id = 'a11y-harness-img';
        document.querySelector('main').append(img);
        // Parsed markup with a style attribute: the CSP (style-src 'self') must block it.
        document.querySelector('main').insertAdjacentHTML(
            'beforeend', '<p style="color: red">inline</p>');
        document.documentElement.lang = '';
        """
    )
    audit = browser.audit_current(language="de")
    problems = audit.problems()
    assert any("image-alt" in line and "#a11y-harness-img" in line for line in problems)
    assert any("html-has-lang" in line for line in problems)
    assert any("<html lang=''>" in line for line in problems)
    assert any("Content Security Policy" in line for line in problems)
