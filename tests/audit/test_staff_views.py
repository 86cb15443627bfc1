"""Staff views of personal data are recorded: a dossier's page, its files, its
printed forms; the applicant's own views are not."""

import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent
from tests.factories import demo_user

pytestmark = pytest.mark.django_db

CLIENT = "198.51.100.23"


def test_a_staff_view_of_a_dossier_is_recorded_with_its_code(as_staff, in_processing):
    """Opening a dossier's page records who, which dossier (code, desk, deciding
    agency) and from where."""
    officer = demo_user("officer")
    client = as_staff(officer)
    url = reverse("workspace:dossier_detail", args=[in_processing.pk])
    assert client.get(url, REMOTE_ADDR=CLIENT).status_code == 200
    [event] = AuditEvent.objects.filter(action=Action.DOSSIER_VIEWED)
    assert event.actor == officer
    assert event.dossier_code == in_processing.code
    assert event.dossier_id == in_processing.pk
    assert event.object_label == in_processing.code
    assert event.receiving_desk_id == in_processing.receiving_desk_id
    assert event.deciding_agency_id == in_processing.deciding_agency_id
    assert event.ip == CLIENT


def test_a_staff_view_of_a_file_is_recorded_with_the_dossier_code(
    as_staff, in_processing
):
    """Opening a paper records the file and the dossier it belongs to."""
    client = as_staff(demo_user("officer"))
    item = in_processing.attachments.first()
    url = reverse("workspace:attachment", args=[in_processing.pk, item.pk])
    assert client.get(url, REMOTE_ADDR=CLIENT).status_code == 200
    [event] = AuditEvent.objects.filter(action=Action.FILE_VIEWED)
    assert event.dossier_code == in_processing.code
    assert (event.object_type, event.object_id) == ("dossiers.attachment", item.pk)
    assert event.object_label == item.original_name
    assert event.ip == CLIENT


def test_a_printed_form_is_recorded(as_staff, in_processing):
    """Printing a form that shows the applicant's details is recorded."""
    client = as_staff(demo_user("clerk"))
    url = reverse("workspace:print_form", args=[in_processing.pk, "01"])
    assert client.get(url).status_code == 200
    [event] = AuditEvent.objects.filter(action=Action.FORM_PRINTED)
    assert event.dossier_code == in_processing.code
    assert event.details == {"form": "01"}


def test_a_refused_view_records_nothing(as_staff, in_processing):
    """Staff who may not see the dossier get 404, and no view is recorded."""
    client = as_staff(demo_user("clerk"))
    before = AuditEvent.objects.count()
    url = reverse("workspace:dossier_detail", args=[in_processing.pk + 10_000])
    assert client.get(url).status_code == 404
    assert AuditEvent.objects.count() == before


def test_the_applicant_viewing_their_own_dossier_is_not_recorded(client, in_processing):
    """The citizen reading their own dossier is not a staff view of personal data."""
    client.force_login(demo_user("citizen"))
    before = AuditEvent.objects.count()
    assert client.get(in_processing.get_absolute_url()).status_code == 200
    assert AuditEvent.objects.count() == before
