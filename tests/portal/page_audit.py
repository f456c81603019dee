"""Static checks of rendered portal HTML: what the CSP and the accessibility rules require and a
parser can see without a browser (the axe-core run in tests/accessibility covers the rest)."""

import json
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

EXECUTABLE_SCRIPT_TYPES = {"", "text/javascript", "module", "application/javascript"}


@dataclass
class PageAudit:
    html_lang: str = ""
    h1_count: int = 0
    title: str = ""
    ids: Counter[str] = field(default_factory=Counter)
    style_attributes: list[str] = field(default_factory=list)
    style_elements: int = 0
    event_handlers: list[str] = field(default_factory=list)
    inline_scripts: list[str] = field(default_factory=list)
    external_scripts: list[str] = field(default_factory=list)
    json_ld: list[Any] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)
    landmarks: Counter[str] = field(default_factory=Counter)
    images_without_alt: list[str] = field(default_factory=list)
    label_for: set[str] = field(default_factory=set)
    form_controls: list[tuple[str, str]] = field(default_factory=list)

    @property
    def duplicate_ids(self) -> list[str]:
        return [i for i, n in self.ids.items() if n > 1]

    @property
    def unlabelled_controls(self) -> list[str]:
        return [i or name for i, name in self.form_controls if i not in self.label_for]


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.audit = PageAudit()
        self._script: dict[str, str] | None = None
        self._script_text: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        audit = self.audit
        if tag == "html":
            audit.html_lang = a.get("lang", "")
        if tag == "h1":
            audit.h1_count += 1
        if tag == "title":
            self._in_title = True
        if "id" in a:
            audit.ids[a["id"]] += 1
        if "style" in a:
            audit.style_attributes.append(f"<{tag} style={a['style']!r}>")
        audit.event_handlers += [f"<{tag} {k}>" for k in a if k.startswith("on")]
        if tag == "style":
            audit.style_elements += 1
        if tag == "script":
            self._script = a
            self._script_text = []
        if tag == "a" and "href" in a:
            audit.links.append(a["href"])
        if tag == "link" and "href" in a:
            audit.resources.append(a["href"])
        if tag in {"img", "script"} and "src" in a:
            audit.resources.append(a["src"])
        if tag in {"header", "nav", "main", "footer"}:
            audit.landmarks[tag] += 1
        if tag == "img" and "alt" not in a:
            audit.images_without_alt.append(a.get("src", ""))
        if tag == "label" and "for" in a:
            audit.label_for.add(a["for"])
        hidden = a.get("type") in {"hidden", "submit", "button"}
        if tag in {"input", "select", "textarea"} and not hidden and "aria-label" not in a:
            audit.form_controls.append((a.get("id", ""), a.get("name", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag == "script" and self._script is not None:
            text = "".join(self._script_text).strip()
            kind = self._script.get("type", "").lower()
            if kind == "application/ld+json":
                self.audit.json_ld.append(json.loads(text))
            elif "src" in self._script:
                self.audit.external_scripts.append(self._script["src"])
            if text and kind in EXECUTABLE_SCRIPT_TYPES:
                self.audit.inline_scripts.append(text[:80])
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script_text.append(data)
        if self._in_title:
            self.audit.title += data


def audit_page(html: str) -> PageAudit:
    """Parse `html` and collect what the checks below look at."""
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.audit


def assert_page_is_clean(html: str, *, language: str) -> PageAudit:
    """The rules every portal page follows (CSP without inline code, basic accessibility)."""
    audit = audit_page(html)
    assert audit.html_lang == language
    assert audit.h1_count == 1, "exactly one <h1> per page"
    assert audit.title.strip()
    assert not audit.style_attributes, audit.style_attributes
    assert not audit.style_elements, "no <style> blocks (CSP style-src 'self')"
    assert not audit.event_handlers, audit.event_handlers
    assert not audit.inline_scripts, audit.inline_scripts
    assert all(src.startswith("/static/") for src in audit.external_scripts)
    assert not audit.duplicate_ids, audit.duplicate_ids
    assert not audit.images_without_alt, audit.images_without_alt
    assert not audit.unlabelled_controls, audit.unlabelled_controls
    assert audit.landmarks["main"] == 1
    assert audit.landmarks["header"] >= 1 and audit.landmarks["footer"] >= 1
    assert "#main" in audit.links, "skip link to the main content"
    assert all(url.startswith("/static/") for url in audit.resources), "no external hosts"
    return audit
