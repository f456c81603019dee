"""Same-origin link crawl of the demo portal over plain HTTP.

Plain HTTP is fast and sees each response's status; the browser then audits the pages the
crawl selected. Pages are grouped by URL pattern (`portal:service-detail`, …) and by their first
municipality (`municipality_slug`, empty for pages outside a portal); a `Sampler` decides how many pages of a
group are kept, so that the number of audited pages stays bounded as the demo data grows.
"""

import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.urls import Resolver404, resolve

SKIP_PREFIXES = ("/api/", "/intern/", "/static/", "/media/", "/i18n/")
NON_HTML_SUFFIXES = (
    ".pdf",
    ".ics",
    ".xml",
    ".json",
    ".csv",
    ".zip",
    ".txt",
    ".png",
    ".jpg",
    ".svg",
)


@dataclass(frozen=True)
class CrawledPage:
    path: str
    route: str
    section: str


@dataclass
class CrawlResult:
    pages: list[CrawledPage] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)
    truncated: bool = False


class Sampler:
    """Keeps every page of the `full` (route, section) groups, `per_group` of any other group."""

    def __init__(self, *, full: set[tuple[str, str]], per_group: int) -> None:
        self.full = full
        self.per_group = per_group
        self._kept: Counter[tuple[str, str]] = Counter()

    def accept(self, page: CrawledPage) -> bool:
        key = (page.route, page.section)
        if key not in self.full and self._kept[key] >= self.per_group:
            return False
        self._kept[key] += 1
        return True


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def classify(path: str) -> CrawledPage | None:
    """The page's URL pattern name and section, or None if no pattern matches."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    section = str(match.kwargs.get("municipality_slug", ""))
    return CrawledPage(path=path, route=match.view_name, section=section)


def same_origin_path(base_url: str, page_url: str, href: str) -> str | None:
    """The path `href` points to if the crawl should follow it (fragment and query dropped)."""
    url = urllib.parse.urljoin(page_url, href.strip())
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in {"http", "https"} or f"{parts.scheme}://{parts.netloc}" != base_url:
        return None
    path = parts.path or "/"
    if path.startswith(SKIP_PREFIXES) or path.lower().endswith(NON_HTML_SUFFIXES):
        return None
    return path


def fetch(base_url: str, path: str, *, language: str) -> tuple[int, str, str]:
    """(status, final path after redirects, HTML body or '') of a GET in `language`."""
    request = urllib.request.Request(
        base_url + path,
        headers={"Accept-Language": language, "Cookie": f"django_language={language}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            final_path = urllib.parse.urlsplit(response.geturl()).path
            if "text/html" not in response.headers.get("Content-Type", ""):
                return response.status, final_path, ""
            return response.status, final_path, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, path, ""


def crawl(base_url: str, *, sampler: Sampler, max_pages: int, language: str = "de") -> CrawlResult:
    """Breadth-first from `/`, in document order, so that the sample is deterministic."""
    result = CrawlResult()
    queue: deque[tuple[str, str]] = deque([("/", "(start)")])
    seen = {"/"}
    while queue:
        path, referrer = queue.popleft()
        status, final_path, html = fetch(base_url, path, language=language)
        if status != 200:
            result.broken.append(f"{path} (linked from {referrer}): HTTP {status}")
            continue
        if not html:
            continue
        page = classify(final_path)
        if page is None:
            result.broken.append(f"{final_path} (linked from {referrer}): no URL pattern")
            continue
        if final_path != path and final_path in seen:
            continue
        seen.add(final_path)
        result.pages.append(page)
        parser = _LinkParser()
        parser.feed(html)
        for href in parser.hrefs:
            target = same_origin_path(base_url, base_url + final_path, href)
            if target is None or target in seen:
                continue
            candidate = classify(target)
            if candidate is not None and not sampler.accept(candidate):
                continue
            if len(seen) >= max_pages:
                result.truncated = True
                continue
            seen.add(target)
            queue.append((target, final_path))
    return result
