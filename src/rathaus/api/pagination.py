from typing import Any

from drf_spectacular.settings import spectacular_settings
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        """DRF's schema, with `next`/`previous` nullable in the notation of the OpenAPI version
        being generated (DRF writes the 3.0 `nullable`, which 3.1 no longer has)."""
        paginated: dict[str, Any] = super().get_paginated_response_schema(schema)
        if str(spectacular_settings.OAS_VERSION).startswith("3.1"):
            for name in ("next", "previous"):
                link = paginated["properties"][name]
                if link.pop("nullable", False):
                    link["type"] = [link["type"], "null"]
        return paginated
