"""Who is acting and from where, for the current request or task (read by the audit trail)."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None = None
    user_agent: str = ""


_EMPTY = RequestContext()
_current: ContextVar[RequestContext | None] = ContextVar("rathaus_request_context", default=None)


def current_request_context() -> RequestContext:
    return _current.get() or _EMPTY


@contextmanager
def request_context(ctx: RequestContext) -> Iterator[None]:
    token = _current.set(ctx)
    try:
        yield
    finally:
        _current.reset(token)
