import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from rathaus.accounts.models import User
from rathaus.accounts.services import inactive_accounts_process
from rathaus.core.models import AuditEvent
from tests.accounts.conftest import make_citizen

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2027, 6, 1, 3, 0, tzinfo=dt.UTC)


def last_seen(user: User, days_ago: int) -> User:
    user.last_login = NOW - dt.timedelta(days=days_ago)
    user.save(update_fields=["last_login"])
    return user


def test_warns_four_weeks_before_and_deletes_after_24_months():
    fresh = last_seen(make_citizen("fresh@example.org"), 100)
    due = last_seen(make_citizen("due@example.org", preferred_language="en"), 730 - 28)
    staff = last_seen(make_citizen("staff@example.org", kind=User.Kind.STAFF), 2000)

    run = inactive_accounts_process(now=NOW)
    assert run.warned == [due.username] and run.deleted == []
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["due@example.org"]
    assert "will be deleted" in message.subject  # in the user's language
    assert "log in" in message.body

    # Idempotent: the same day, or the next, sends nothing again.
    assert inactive_accounts_process(now=NOW + dt.timedelta(days=1)).warned == []
    assert len(mail.outbox) == 1

    # 28 days later the account is deleted; the others are untouched.
    run = inactive_accounts_process(now=NOW + dt.timedelta(days=28))
    assert run.deleted == [due.username]
    due.refresh_from_db()
    assert due.deleted_at is not None and due.email == ""
    assert AuditEvent.objects.get(action="account.delete").details == {"reason": "inactivity"}
    for user in (fresh, staff):
        user.refresh_from_db()
        assert user.deleted_at is None and user.inactivity_warning_sent_at is None


def test_warning_in_german_by_default():
    last_seen(make_citizen(), 730 - 28)
    inactive_accounts_process(now=NOW)
    assert mail.outbox[0].subject == "Ihr Bürgerkonto wird gelöscht"
    assert "melden Sie sich einfach vorher an" in mail.outbox[0].body
    assert "29.06.2027" in mail.outbox[0].body or "29. Juni 2027" in mail.outbox[0].body


def test_logging_in_after_the_warning_keeps_the_account():
    user = last_seen(make_citizen(), 730 - 28)
    inactive_accounts_process(now=NOW)
    user.last_login = NOW + dt.timedelta(days=3)
    user.save(update_fields=["last_login"])
    assert inactive_accounts_process(now=NOW + dt.timedelta(days=40)).deleted == []
    user.refresh_from_db()
    assert user.deleted_at is None


def test_never_deleted_without_four_weeks_notice():
    # The job did not run for a long time: the account is long overdue, but unwarned.
    user = last_seen(make_citizen(), 900)
    run = inactive_accounts_process(now=NOW)
    assert run.warned == [user.username] and run.deleted == []
    assert inactive_accounts_process(now=NOW + dt.timedelta(days=27)).deleted == []
    assert inactive_accounts_process(now=NOW + dt.timedelta(days=28)).deleted == [user.username]


def test_accounts_that_never_logged_in_count_from_registration():
    user = make_citizen()
    User.objects.filter(pk=user.pk).update(date_joined=NOW - dt.timedelta(days=800))
    assert inactive_accounts_process(now=NOW).warned == [user.username]


def test_management_command(capsys):
    last_seen(make_citizen(), 800)
    User.objects.update(last_login=timezone.now() - dt.timedelta(days=800))
    call_command("delete_inactive_accounts")
    assert "warned: 1, deleted: 0" in capsys.readouterr().out
