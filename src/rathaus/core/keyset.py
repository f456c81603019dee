"""Keyset (cursor) pagination for long lists: every page costs what the first page costs.

A page is the next `page_size` rows after (or before) the position of a row in a fixed
ordering that ends in a unique field (e.g. `("-submitted_at", "-pk")`); no OFFSET, no
COUNT(*). The position travels in an opaque, signed cursor (a query parameter), so a client can
neither forge a position nor learn anything from it but the row it points at. With an index
matching the ordering (and the list's filters in front of it), the database reads the page
straight from the index, however deep it is.

Used by the server-rendered lists (template `core/keyset_nav.html`) and by the API's
`rathaus.api.pagination.CursorPagination`. Where a number is shown, `count_capped` counts up to
a cap ("more than 1,000") instead of the whole set.

Ordering fields must be concrete, non-null fields of the model itself (no `__` lookups); the
last one must be unique. Nulls would need their own ordering rules and no list needs them.
"""

import base64
import datetime as dt
import json
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from operator import attrgetter, itemgetter
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode
from uuid import UUID

from django.core import signing
from django.db.models import Model, Q, QuerySet

M = TypeVar("M", bound=Model)

NEXT = "n"
PREVIOUS = "p"


@dataclass(frozen=True)
class KeyList(Generic[M]):
    """A list held as its rows' keys: for each row the values of the ordering's fields (in the
    ordering's order, the primary key last), found before the list is sorted (e.g. the
    matches of a search, a few thousand at most). A page is cut from the keys in memory and
    only its rows are loaded, by primary key, from `rows` (the queryset with everything the
    list shows); the database neither sorts nor joins the other matches."""

    keys: Sequence[tuple[Any, ...]]
    rows: QuerySet[M]


# What a list pages over: one queryset, the branches whose union is the list (each read in
# order from its own index, merged by `KeysetPaginator`; a row in several branches counts
# once), or the keys of its rows (`KeyList`).
Source = QuerySet[M] | Sequence[QuerySet[M]] | KeyList[M]


class InvalidCursor(ValueError):
    """The cursor was not made by this paginator (tampered with, truncated, another list's)."""


@dataclass(frozen=True)
class Cursor:
    """A position in the ordering: the key values of one row, and which way to go from it."""

    direction: str  # NEXT: the rows after `values`; PREVIOUS: the rows before them
    values: tuple[Any, ...]


@dataclass(frozen=True)
class KeysetPage(Generic[M]):
    """One page: its rows in list order and the cursors to its neighbours (None at an end)."""

    items: list[M]
    next_cursor: str | None
    previous_cursor: str | None
    next_query: str | None  # "?…&cursor=…", the other query parameters kept
    previous_query: str | None
    cursor_invalid: bool = False  # an unreadable cursor was given: this is the first page

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def __iter__(self) -> Any:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


@dataclass(frozen=True)
class CappedCount:
    """At most `cap` + 1 rows counted: `value` is exact unless `more` (then "more than cap")."""

    value: int
    cap: int

    @property
    def more(self) -> bool:
        return self.value > self.cap


def count_capped(
    queryset: "QuerySet[Any] | KeyList[Any]", *, cap: int, page: "KeysetPage[Any] | None" = None
) -> CappedCount:
    """How many rows `queryset` has, counting at most `cap` + 1 of them (a LIMIT inside the
    count, so the database stops early on a large set). Given the list's `page`, no query
    where the page tells: the only page's rows are the count; a page with others beside it
    and at least `cap` rows shows that there are more than `cap`. A `KeyList` knows its
    length."""
    if isinstance(queryset, KeyList):
        return CappedCount(value=min(len(queryset.keys), cap + 1), cap=cap)
    if page is not None and not page.has_other_pages:
        return CappedCount(value=len(page.items), cap=cap)
    if page is not None and len(page.items) >= cap:
        return CappedCount(value=cap + 1, cap=cap)
    return CappedCount(value=queryset.order_by()[: cap + 1].count(), cap=cap)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, UUID | Decimal):
        return str(value)
    if value is None:
        raise ValueError("keyset ordering fields must not be null")
    return value


class KeysetPaginator:
    """Pages of a queryset by `ordering` (field names, "-" for descending, the last unique).

    `page()` reads the cursor from `params[cursor_param]`; the cursor is signed with a salt
    that names the ordering, so a cursor of a differently ordered list is refused.
    """

    def __init__(
        self,
        *,
        ordering: Sequence[str],
        page_size: int,
        cursor_param: str = "cursor",
        salt: str = "rathaus.core.keyset",
    ) -> None:
        if not ordering:
            raise ValueError("a keyset ordering needs at least one field")
        if any("__" in name for name in ordering):
            raise ValueError("keyset ordering fields must be fields of the model itself")
        if page_size < 1:
            raise ValueError("page_size must be positive")
        self.ordering = tuple(ordering)
        self.page_size = page_size
        self.cursor_param = cursor_param
        self._signer = signing.Signer(salt=f"{salt}:{','.join(self.ordering)}")

    # --- Cursors ---

    def encode(self, cursor: Cursor) -> str:
        """The opaque text of `cursor` (URL-safe: base64url and the signature)."""
        raw = json.dumps(
            [cursor.direction, [_jsonable(v) for v in cursor.values]], separators=(",", ":")
        ).encode()
        return self._signer.sign(base64.urlsafe_b64encode(zlib.compress(raw)).decode().rstrip("="))

    def decode(self, text: str, *, model: type[Model]) -> Cursor:
        """The cursor in `text`, its values converted back to the fields' types; InvalidCursor
        for anything this paginator did not make."""
        try:
            payload = self._signer.unsign(text)
            raw = zlib.decompress(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            direction, values = json.loads(raw)
        except (signing.BadSignature, ValueError, TypeError, zlib.error) as exc:
            raise InvalidCursor(str(exc)) from exc
        if direction not in (NEXT, PREVIOUS) or not isinstance(values, list):
            raise InvalidCursor("malformed cursor")
        if len(values) != len(self.ordering):
            raise InvalidCursor("cursor of another ordering")
        try:
            converted = tuple(
                self._field(model, name).to_python(value)
                for name, value in zip(self.ordering, values, strict=True)
            )
        except Exception as exc:  # a field's ValidationError, or a wrong type in the JSON
            raise InvalidCursor(str(exc)) from exc
        return Cursor(direction=direction, values=converted)

    @staticmethod
    def _field(model: type[Model], name: str) -> Any:
        name = name.lstrip("-")
        return model._meta.pk if name == "pk" else model._meta.get_field(name)

    def _key(self, item: Any) -> tuple[Any, ...]:
        names = [name.lstrip("-") for name in self.ordering]
        if isinstance(item, Mapping):
            return tuple(item[name] for name in names)
        return tuple(getattr(item, name) for name in names)

    # --- Queries ---

    def _beyond(self, values: tuple[Any, ...], *, forward: bool) -> Q:
        """Rows strictly after `values` in the ordering (forward) or strictly before them.

        The OR of "equal on the first i−1 fields, beyond on the i-th" is exact; the extra bound
        on the first field (≤ / ≥) lets the database use it as an index range condition.
        """
        condition = Q()
        equal = Q()
        for name, value in zip(self.ordering, values, strict=True):
            field = name.lstrip("-")
            ascending = not name.startswith("-")
            lookup = "gt" if ascending == forward else "lt"
            condition |= equal & Q(**{f"{field}__{lookup}": value})
            equal &= Q(**{field: value})
        first = self.ordering[0].lstrip("-")
        first_lookup = "gte" if (not self.ordering[0].startswith("-")) == forward else "lte"
        return Q(**{f"{first}__{first_lookup}": values[0]}) & condition

    def _reversed_ordering(self) -> list[str]:
        return [name[1:] if name.startswith("-") else f"-{name}" for name in self.ordering]

    def _rows(
        self, source: "Source[M]", anchor: tuple[Any, ...] | None, forward: bool, limit: int
    ) -> list[M]:
        """The first `limit` rows of `source` beyond `anchor` (all without one), in the
        ordering (`forward`) or against it. A list of branches (querysets whose union is the
        list, e.g. "as applicant" and "as principal") is read branch by branch, each from its
        own index, and merged here: an OR of the two in one query cannot be read in order from
        any index."""
        ordering = self.ordering if forward else self._reversed_ordering()
        if isinstance(source, KeyList):
            return self._rows_of_keys(source, anchor, ordering, limit)
        condition = None if anchor is None else self._beyond(anchor, forward=forward)
        branches = [source] if isinstance(source, QuerySet) else list(source)
        rows: list[M] = []
        for branch in branches:
            if condition is not None:
                branch = branch.filter(condition)
            rows.extend(branch.order_by(*ordering)[:limit])
        if len(branches) == 1:
            return rows
        rows = list({row.pk: row for row in rows}.values())  # a row in two branches once
        for name in reversed(ordering):  # stable sorts, last key first
            rows.sort(key=attrgetter(name.lstrip("-")), reverse=name.startswith("-"))
        return rows[:limit]

    def _rows_of_keys(
        self,
        source: KeyList[M],
        anchor: tuple[Any, ...] | None,
        ordering: Sequence[str],
        limit: int,
    ) -> list[M]:
        """The first `limit` rows of a `KeyList` beyond `anchor` in `ordering`: the keys
        sorted and cut here, the rows loaded by primary key (a row gone since its key was
        read, or no longer in `rows`, is left out and the next key's row read instead)."""
        descending = [name.startswith("-") for name in ordering]

        def beyond(key: tuple[Any, ...]) -> bool:
            assert anchor is not None
            for value, mark, down in zip(key, anchor, descending, strict=True):
                if value != mark:
                    return bool(value < mark) if down else bool(value > mark)
            return False

        keys = [key for key in source.keys if anchor is None or beyond(key)]
        if len(set(descending)) == 1:  # one direction: the keys as tuples, ties compared on
            keys.sort(reverse=descending[0])
        else:
            for index in reversed(range(len(ordering))):  # stable sorts, last key first
                keys.sort(key=itemgetter(index), reverse=descending[index])
        rows: list[M] = []
        start = 0
        while len(rows) < limit and start < len(keys):  # again for rows gone since
            pks = [key[-1] for key in keys[start : start + limit - len(rows)]]
            start += len(pks)
            found = {row.pk: row for row in source.rows.filter(pk__in=pks).order_by()}
            rows += [found[pk] for pk in pks if pk in found]
        return rows

    def page(self, queryset: "Source[M]", *, params: Mapping[str, Any]) -> KeysetPage[M]:
        """The page of `queryset` (or of the union of its branches) that
        `params[cursor_param]` points at; the first page without a cursor or with one this
        paginator did not make (then `cursor_invalid`)."""
        text = params.get(self.cursor_param)
        if not text:
            return self._first(queryset, params=params)
        if isinstance(queryset, QuerySet):
            model = queryset.model
        elif isinstance(queryset, KeyList):
            model = queryset.rows.model
        else:
            model = queryset[0].model
        try:
            cursor = self.decode(str(text), model=model)
        except InvalidCursor:
            return self._first(queryset, params=params, cursor_invalid=True)
        return self.page_at(queryset, cursor=cursor, params=params)

    def page_at(
        self, queryset: "Source[M]", *, cursor: Cursor, params: Mapping[str, Any]
    ) -> KeysetPage[M]:
        """The page `cursor` points at (see `page`)."""
        size = self.page_size
        if cursor.direction == NEXT:
            rows = self._rows(queryset, cursor.values, True, size + 1)
            return self._make(
                rows[:size],
                has_next=len(rows) > size,
                has_previous=True,  # the cursor's row (or where it was) lies before
                params=params,
                anchor=cursor.values,
            )
        rows = self._rows(queryset, cursor.values, False, size + 1)
        if len(rows) <= size:
            # Back at the start: show the full first page rather than a short one.
            return self._first(queryset, params=params)
        items = list(reversed(rows[:size]))
        return self._make(items, has_next=True, has_previous=True, params=params)

    def _first(
        self, queryset: "Source[M]", *, params: Mapping[str, Any], cursor_invalid: bool = False
    ) -> KeysetPage[M]:
        rows = self._rows(queryset, None, True, self.page_size + 1)
        return self._make(
            rows[: self.page_size],
            has_next=len(rows) > self.page_size,
            has_previous=False,
            params=params,
            cursor_invalid=cursor_invalid,
        )

    def _make(
        self,
        items: list[M],
        *,
        has_next: bool,
        has_previous: bool,
        params: Mapping[str, Any],
        cursor_invalid: bool = False,
        anchor: tuple[Any, ...] | None = None,
    ) -> KeysetPage[M]:
        """The page of `items`; `anchor` is the position a page without items (past the end,
        the rows having gone meanwhile) links back from."""
        next_cursor = (
            self.encode(Cursor(NEXT, self._key(items[-1]))) if has_next and items else None
        )
        start = self._key(items[0]) if items else anchor
        previous_cursor = (
            self.encode(Cursor(PREVIOUS, start)) if has_previous and start is not None else None
        )
        return KeysetPage(
            items=items,
            next_cursor=next_cursor,
            previous_cursor=previous_cursor,
            next_query=self._query(params, next_cursor),
            previous_query=self._query(params, previous_cursor),
            cursor_invalid=cursor_invalid,
        )

    def _query(self, params: Mapping[str, Any], cursor: str | None) -> str | None:
        """ "?" + the query string of `params` with the cursor replaced (None: no such page)."""
        if cursor is None:
            return None
        pairs: list[tuple[str, str]] = []
        lists = getattr(params, "lists", None)
        for key, values in lists() if callable(lists) else params.items():
            if key == self.cursor_param:
                continue
            for value in values if isinstance(values, list) else [values]:
                pairs.append((key, str(value)))
        pairs.append((self.cursor_param, cursor))
        return "?" + urlencode(pairs)
