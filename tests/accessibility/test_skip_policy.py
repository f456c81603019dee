"""The browser tests skip where Chromium is missing, except in CI, where they must run."""

import pytest

from tests.accessibility.conftest import _unavailable


def test_missing_browser_skips_locally(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="chromium missing"):
        _unavailable("chromium missing")


def test_missing_browser_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"chromium missing.*must run in CI"):
        _unavailable("chromium missing")
