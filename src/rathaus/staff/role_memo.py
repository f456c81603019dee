"""A per-request memo of the role assignments of the requesting member of staff.

Every page of the staff area asks who may see what several times (the inbox's scope, the
navigation's "roles" link, an office's access check), each time the same query on
`staff_roleassignment`. Within one request the answer does not change unless the request
itself changes a role assignment, so `RoleMemoMiddleware` opens a memo for the request and the
selectors in `rathaus.staff.selectors` read the assignments once per user and request.

Scope and correctness:

- The memo lives in a `ContextVar` that the middleware sets at the start of a request and
  resets at its end: each request (each gunicorn thread, each asyncio task) has its own, and
  nothing survives the request. Outside a request (services called from tests, management
  commands, Celery tasks) no memo is open and every call queries the database, as before.
- Saving or deleting a `RoleAssignment` (signals, connected in `StaffConfig.ready`) empties
  the memo of the current request, so a request that changes roles reads them anew.
  `QuerySet.update()` and `bulk_create()` send no signals: code that changes assignments that
  way inside a request must call `role_memo_forget()` itself (none does today).
- A change made by another request while this one runs is seen by the next request, as with
  any read at the start of a request.
"""

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, NamedTuple

from django.http import HttpRequest, HttpResponse


class HeldRole(NamedTuple):
    """One role assignment as the selectors need it, with the office's municipality and the
    number of offices that municipality has (whether someone holds all of them: the inbox's
    scope, `rathaus.cases.selectors`)."""

    office_id: uuid.UUID
    role: str
    valid_from: dt.datetime | None
    valid_until: dt.datetime | None
    municipality_id: uuid.UUID
    municipality_offices: int

    def valid_at(self, now: dt.datetime) -> bool:
        return (self.valid_from is None or self.valid_from <= now) and (
            self.valid_until is None or self.valid_until > now
        )


# user pk → all role assignments of that user (valid or not; validity is checked per call).
_memo: ContextVar[dict[Any, tuple[HeldRole, ...]] | None] = ContextVar(
    "rathaus_staff_role_memo", default=None
)


@contextmanager
def role_memo_scope() -> Iterator[None]:
    """Open a memo for the code inside (one request); it is discarded on exit."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def role_memo_active() -> bool:
    """Whether a memo is open (inside a request that passed `RoleMemoMiddleware`)."""
    return _memo.get() is not None


def role_memo_get(user_id: Any, load: Callable[[], tuple[HeldRole, ...]]) -> tuple[HeldRole, ...]:
    """The assignments of `user_id` from the open memo, loaded by `load` on the first call of
    the request; without an open memo `load` runs every time."""
    memo = _memo.get()
    if memo is None:
        return load()
    held = memo.get(user_id)
    if held is None:
        held = memo[user_id] = load()
    return held


def role_memo_forget(**_: Any) -> None:
    """Empty the open memo (a role assignment changed in this request); a signal receiver."""
    memo = _memo.get()
    if memo is not None:
        memo.clear()


class RoleMemoMiddleware:
    """Opens the role memo for each request (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with role_memo_scope():
            return self.get_response(request)
