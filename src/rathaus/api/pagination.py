from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.settings import spectacular_settings
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from rathaus.core.keyset import InvalidCursor, KeysetPage, KeysetPaginator

MAX_PAGE_SIZE = 100


def _links_nullable_for_openapi_version(paginated: dict[str, Any]) -> dict[str, Any]:
    """`next`/`previous` nullable in the notation of the OpenAPI version being generated (DRF
    writes the 3.0 `nullable`, which 3.1 no longer has)."""
    if str(spectacular_settings.OAS_VERSION).startswith("3.1"):
        for name in ("next", "previous"):
            link = paginated["properties"][name]
            if link.pop("nullable", False):
                link["type"] = [link["type"], "null"]
    return paginated


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        """DRF's schema, with `next`/`previous` nullable for the OpenAPI version."""
        return _links_nullable_for_openapi_version(super().get_paginated_response_schema(schema))


class CursorPagination(BasePagination):
    """Keyset pagination for long lists (rathaus.core.keyset): `next`/`previous` links carry an
    opaque signed cursor; page 5,000 costs what page 1 costs; no `count` (counting a million
    rows costs more than the page). An unreadable cursor is a 400 problem.

    The ordering must end in a unique field; a view sets it as `pagination_ordering` (default
    `ordering` below), and an index on the list's filters followed by that ordering keeps every
    page an index range read.

    Not DRF's `CursorPagination`: that one positions on the first ordering field only and
    steps over equal values with an OFFSET (capped at 1,000), so a second of many submissions
    is read and thrown away on every page, and its cursor is readable and unsigned; this one
    compares the whole ordering key and shares its code with the server-rendered lists.
    """

    ordering: Sequence[str] = ("-created_at", "-pk")
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    invalid_cursor_message = _(
        "This cursor is not valid (changed, cut off, or of another list); "
        "start again from the first page."
    )

    def get_page_size(self, request: Request) -> int:
        size = request.query_params.get(self.page_size_query_param)
        default = int(api_settings.PAGE_SIZE or 20)
        if size is None:
            return default
        try:
            number = int(size)
        except ValueError:
            return default
        return min(number, self.max_page_size) if number > 0 else default

    def get_ordering(self, view: APIView | None) -> Sequence[str]:
        return tuple(getattr(view, "pagination_ordering", None) or self.ordering)

    def paginate_queryset(
        self, queryset: Any, request: Request, view: APIView | None = None
    ) -> list[Any]:
        if not isinstance(queryset, QuerySet):
            raise TypeError("keyset pagination needs a queryset")
        self.request = request
        self.base_url = request.build_absolute_uri()
        paginator = KeysetPaginator(
            ordering=self.get_ordering(view),
            page_size=self.get_page_size(request),
            cursor_param=self.cursor_query_param,
            salt="rathaus.api.pagination",
        )
        text = request.query_params.get(self.cursor_query_param)
        if not text:
            self.page: KeysetPage[Any] = paginator.page(queryset, params={})
        else:
            try:
                cursor = paginator.decode(text, model=queryset.model)
            except InvalidCursor:
                raise ValidationError(
                    {self.cursor_query_param: [self.invalid_cursor_message]}
                ) from None
            self.page = paginator.page_at(queryset, cursor=cursor, params={})
        return self.page.items

    def _link(self, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        return replace_query_param(self.base_url, self.cursor_query_param, cursor)

    def get_next_link(self) -> str | None:
        return self._link(self.page.next_cursor)

    def get_previous_link(self) -> str | None:
        return self._link(self.page.previous_cursor)

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data}
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return _links_nullable_for_openapi_version(
            {
                "type": "object",
                "required": ["next", "previous", "results"],
                "properties": {
                    "next": {
                        "type": "string",
                        "nullable": True,
                        "format": "uri",
                        "description": "The next page; null on the last page.",
                    },
                    "previous": {
                        "type": "string",
                        "nullable": True,
                        "format": "uri",
                        "description": "The previous page; null on the first page.",
                    },
                    "results": schema,
                },
            }
        )

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Opaque position from a `next` or `previous` link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page (at most {self.max_page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]
