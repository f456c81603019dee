"""Every KERN icon class a template uses exists in the KERN stylesheet.

An unknown `kern-icon--…` class renders as a solid square (the icon is a CSS mask over a
filled box), so a typo or an icon KERN does not have shows on every page that uses it."""

import re
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
KERN_CSS = REPO_ROOT / "node_modules" / "@kern-ux" / "native" / "dist" / "kern.min.css"
TEMPLATES = REPO_ROOT / "src" / "rathaus"
# A modifier followed by a template tag (`kern-icon--{% if … %}`) is checked where it is built.
ICON_CLASS = re.compile(r"kern-icon--([a-z0-9-]+)")


def _template_icons() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for template in TEMPLATES.rglob("*.html"):
        for name in ICON_CLASS.findall(template.read_text(encoding="utf-8")):
            found.setdefault(name, set()).add(str(template.relative_to(REPO_ROOT)))
    return found


def test_every_icon_class_used_in_a_template_exists_in_kern() -> None:
    if not KERN_CSS.is_file():
        pytest.skip(f"{KERN_CSS.relative_to(REPO_ROOT)} is missing: run `npm ci`")
    known = set(ICON_CLASS.findall(KERN_CSS.read_text(encoding="utf-8")))
    used = _template_icons()
    assert used, "the scan found no icons at all: is the pattern still right?"
    unknown = {name: sorted(where) for name, where in used.items() if name not in known}
    assert unknown == {}


def test_the_message_icons_built_from_level_tags_exist() -> None:
    # base.html builds `kern-icon--<level>` from the message level (error → danger).
    if not KERN_CSS.is_file():
        pytest.skip(f"{KERN_CSS.relative_to(REPO_ROOT)} is missing: run `npm ci`")
    known = set(ICON_CLASS.findall(KERN_CSS.read_text(encoding="utf-8")))
    assert {"success", "info", "warning", "danger"} <= known
