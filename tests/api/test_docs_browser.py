"""The API docs (Swagger UI) work in a real browser under the site's strict CSP."""

import os
import shutil

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def chromium():
    webdriver = pytest.importorskip("selenium.webdriver")
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("chromium and chromedriver are needed in CI")
        pytest.skip("chromium or chromedriver not installed")
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(argument)
    options.binary_location = shutil.which("chromium")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = webdriver.ChromeService(executable_path=shutil.which("chromedriver"))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def test_swagger_ui_renders_the_operations_without_csp_violations(live_server, chromium):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    chromium.get(f"{live_server.url}/api/docs/")
    WebDriverWait(chromium, 20).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".opblock-summary"))
    )
    paths = chromium.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")
    shown = {element.get_attribute("data-path") for element in paths}
    assert {"/api/v1/municipalities/", "/api/v1/responsibility/"} <= shown
    assert "rathaus API" in chromium.find_element(By.CSS_SELECTOR, ".info .title").text
    messages = [entry["message"] for entry in chromium.get_log("browser")]
    violations = [m for m in messages if "Content Security Policy" in m or "Refused to" in m]
    assert violations == []
