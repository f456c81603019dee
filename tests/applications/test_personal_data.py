import pytest

from rathaus.accounts.selectors import personal_data_export_document
from rathaus.accounts.services import account_delete
from rathaus.applications.models import Draft, Submission
from rathaus.applications.submissions import submission_create
from rathaus.core.actors import Actor
from tests.factories import DraftFactory

pytestmark = pytest.mark.django_db


def test_export_lists_drafts_and_submissions_with_their_data():
    submitted = DraftFactory()
    submission = submission_create(draft=submitted, actor=Actor.person(submitted.applicant))
    DraftFactory(applicant=submitted.applicant, data={"name": "Entwurf"})
    document = personal_data_export_document(user=submitted.applicant)
    text = str(document)
    assert submission.reference in text
    assert "Entwurf" in text


def test_account_deletion_removes_drafts_and_keeps_submissions():
    submitted = DraftFactory()
    submission = submission_create(draft=submitted, actor=Actor.person(submitted.applicant))
    open_draft = DraftFactory(applicant=submitted.applicant)
    account_delete(user=submitted.applicant, actor=submitted.applicant, reason="request")
    assert not Draft.objects.filter(pk=open_draft.pk).exists()
    assert Submission.objects.filter(pk=submission.pk).exists()
