"""What axe-core does not check: no sideways scrolling on a narrow screen (WCAG 1.4.10
Reflow: 320 CSS pixels), and a visible focus indicator on every focusable element (WCAG 2.4.7).

Same harness as test_axe.py (demo server, headless Chromium). The pages are a representative
list rather than the whole crawl, to keep the run short: every page type a citizen meets in the
portal of FULL_MUNICIPALITY (the pages that scrolled sideways among them), the account area,
'Mein Bereich' with a draft and a submission, an application step and the status page, and the
staff inbox with a submission.

- Reflow: at 320 and 375 CSS pixels (set through the DevTools protocol, like a phone) the
  document must not be wider than the viewport: `scrollWidth <= innerWidth`. A failure names
  the innermost elements that stick out.
- Focus: each visible focusable element is focused after a key press (so that `:focus-visible`
  applies, as for a keyboard user); it — or its ::before/::after — must then have an outline
  (style not `none`, width > 0) or a box shadow it did not have unfocused.
"""

import time
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from tests.accessibility.conftest import AxeBrowser
from tests.accessibility.seed_accounts import STAFF_EMAIL, STAFF_PASSWORD, TOTP_SECRET
from tests.accessibility.test_axe import FULL_MUNICIPALITY
from tests.accessibility.test_axe_logged_in import (
    _as_citizen,
    _citizen_session,
    _fill,
    _log_out,
    _path,
    _route,
    _submit_form_of,
)
from tests.staff.people import totp_code

pytestmark = pytest.mark.browser

WIDTHS = (320, 375)
HEIGHT = 800

_OVERFLOW = """
const width = window.innerWidth;
// Elements that stick out, and elements whose text sticks out of them (a long word).
const wide = Array.from(document.querySelectorAll('body *')).filter((el) => {
  const rect = el.getBoundingClientRect();
  if (rect.width > 0 && rect.right > width + 1) return true;
  return getComputedStyle(el).overflowX === 'visible'
    && rect.left + el.scrollWidth > width + 1;
});
// The innermost ones: an element none of whose descendants sticks out as well.
const innermost = wide.filter((el) => !wide.some((other) => other !== el && el.contains(other)));
const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
  + (el.classList.length ? '.' + Array.from(el.classList).join('.') : '')
  + ' (right edge ' + Math.round(Math.max(el.getBoundingClientRect().right,
    el.getBoundingClientRect().left + el.scrollWidth)) + 'px)';
return {
  scrollWidth: document.documentElement.scrollWidth,
  innerWidth: width,
  culprits: innermost.slice(0, 5).map(describe),
};
"""

_FOCUS = """
const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
  + '[tabindex]:not([tabindex="-1"])';
// The element itself, or its ::before/::after (KERN draws the focus of a stretched card link on
// the ::after that covers the card).
const look = (el) => [null, '::before', '::after'].map((pseudo) => {
  const style = getComputedStyle(el, pseudo);
  const drawn = pseudo === null || style.content !== 'none';
  return {outlineStyle: drawn ? style.outlineStyle : 'none',
          outlineWidth: parseFloat(style.outlineWidth) || 0,
          boxShadow: drawn ? style.boxShadow : 'none'};
});
const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
  + (el.classList.length ? '.' + Array.from(el.classList).join('.') : '')
  + (el.getAttribute('href') ? '[href="' + el.getAttribute('href') + '"]' : '')
  + (el.textContent.trim() ? ' "' + el.textContent.trim().slice(0, 40) + '"' : '');
const missing = [];
let checked = 0;
for (const el of document.querySelectorAll(selector)) {
  if (el.disabled || !el.getClientRects().length || getComputedStyle(el).visibility === 'hidden') {
    continue;
  }
  if (document.activeElement && document.activeElement !== document.body) {
    document.activeElement.blur();
  }
  const before = look(el);
  el.focus({preventScroll: true});
  if (document.activeElement !== el) continue;  // not focusable after all (e.g. inert)
  checked += 1;
  const shown = look(el).some((after, i) =>
    (after.outlineStyle !== 'none' && after.outlineWidth > 0)
    || (after.boxShadow !== 'none' && after.boxShadow !== before[i].boxShadow));
  if (!shown) {
    missing.push(describe(el) + (el.matches(':focus-visible') ? '' : ' (no :focus-visible)'));
  }
}
if (document.activeElement) document.activeElement.blur();
return {checked, missing};
"""


def _public_pages() -> list[str]:
    slug = FULL_MUNICIPALITY
    return [
        reverse("portal:landing"),
        reverse("portal:start", args=[slug]),
        reverse("portal:service-list", args=[slug]),
        reverse("portal:service-detail", args=[slug, "hund-anmelden"]),
        reverse("portal:search", args=[slug]) + "?q=Hund",
        reverse("portal:life-situation-list", args=[slug]),
        reverse("portal:office-list", args=[slug]),
        reverse("portal:responsibility", args=[slug]),
        reverse("portal:sign-language", args=[slug]),
        reverse("portal:easy-language", args=[slug]),
        reverse("portal:accessibility", args=[slug]),
    ]


def _first_link(browser: AxeBrowser, path: str, route: str) -> str:
    """The first link on `path` to a page of `route` (e.g. an office page)."""
    browser.open(path, language="de")
    hrefs = browser.driver.execute_script(
        "return Array.from(document.querySelectorAll('a[href]'), (a) => a.href)"
    )
    for href in hrefs:
        target = urllib.parse.urlsplit(href).path
        if _route(target) == route:
            return str(target)
    raise AssertionError(f"no link to {route} on {path}")


@pytest.fixture
def narrow(browser: AxeBrowser) -> Iterator[Any]:
    """Sets the viewport width like a phone's; back to the desktop window afterwards."""

    def set_width(width: int) -> None:
        browser.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            # Not `mobile`: a mobile viewport widens itself to fit content that sticks out.
            {"width": width, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False},
        )

    try:
        yield set_width
    finally:
        browser.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def _reflow_problems(browser: AxeBrowser, pages: list[str], set_width: Any) -> list[str]:
    problems: list[str] = []
    for width in WIDTHS:
        set_width(width)
        for page in pages:
            browser.open(page, language="de")
            result = browser.driver.execute_script(_OVERFLOW)
            if result["scrollWidth"] > result["innerWidth"]:
                problems.append(
                    f"{page} at {width}px: {result['scrollWidth']}px wide — "
                    + ", ".join(result["culprits"])
                )
    return problems


def _focus_problems(browser: AxeBrowser, pages: list[str]) -> tuple[list[str], int]:
    problems: list[str] = []
    checked = 0
    for page in pages:
        browser.open(page, language="de")
        # A key press makes the browser treat the following focus changes as keyboard focus.
        ActionChains(browser.driver).send_keys(Keys.SHIFT).perform()
        result = browser.driver.execute_script(_FOCUS)
        checked += result["checked"]
        problems.extend(f"{page}: no visible focus on {element}" for element in result["missing"])
    return problems, checked


def _log_in_staff(browser: AxeBrowser) -> None:
    """Password and TOTP code; when another test used this 30-second window's code already
    (allauth refuses a code twice), once more with the next window's code."""
    _log_out(browser)
    _citizen_session.clear()
    browser.open(reverse("account_login"), language="de")
    _fill(browser, {"login": STAFF_EMAIL, "password": STAFF_PASSWORD})
    _submit_form_of(browser, "password")
    for _attempt in range(2):
        assert _route(_path(browser)) == "mfa_authenticate", browser.driver.current_url
        _fill(browser, {"code": totp_code(TOTP_SECRET)})
        _submit_form_of(browser, "code")
        if _route(_path(browser)) != "mfa_authenticate":
            break
        time.sleep(31 - time.time() % 30)
    assert _path(browser) == reverse("backoffice:start"), browser.driver.current_url


@pytest.fixture(scope="module")
def pages(browser: AxeBrowser, seeded: dict[str, Any]) -> dict[str, list[str]]:
    """The pages to check, as the citizen and as staff (both logged in when their turn comes)."""
    public = _public_pages()
    public.append(_first_link(browser, public[6], "portal:office-detail"))
    submission = seeded["submission"]
    citizen = [
        reverse("accounts:overview"),
        reverse("accounts:profile"),
        reverse("apply:overview"),
        reverse("apply:step", args=[seeded["draft"], seeded["steps"][0]]),
        reverse("apply:detail", args=[submission]),
    ]
    staff = [
        reverse("backoffice:start"),
        reverse("backoffice:submission-list"),
        reverse("backoffice:submission-detail", args=[submission]),
    ]
    return {"public": public, "citizen": citizen, "staff": staff}


def test_no_sideways_scrolling_at_320_and_375_pixels(
    browser: AxeBrowser, pages: dict[str, list[str]], narrow: Any
) -> None:
    problems = _reflow_problems(browser, pages["public"], narrow)
    _as_citizen(browser)
    problems += _reflow_problems(browser, pages["citizen"], narrow)
    _log_in_staff(browser)
    problems += _reflow_problems(browser, pages["staff"], narrow)
    assert not problems, "\n".join(["Pages wider than the screen (WCAG 1.4.10):", *problems])


def test_every_focusable_element_shows_focus(
    browser: AxeBrowser, pages: dict[str, list[str]]
) -> None:
    problems, checked = _focus_problems(browser, pages["public"])
    _as_citizen(browser)
    more, count = _focus_problems(browser, pages["citizen"])
    problems += more
    checked += count
    _log_in_staff(browser)
    more, count = _focus_problems(browser, pages["staff"])
    problems += more
    checked += count
    assert checked > 200, f"only {checked} focusable elements found: is the selector right?"
    assert not problems, "\n".join(["No visible focus indicator (WCAG 2.4.7):", *problems])
