"""Catalogue model rules: codes, validation, route sums, publication, history."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from procedures.models import OnlineLevel, Procedure, PublicationStatus, TimeUnit
from procedures.services import procedure_publish, procedure_withdraw
from tests.factories import (
    ProcedureFactory,
    RequiredPaperFactory,
    RouteStepFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_national_code_is_unique():
    """Two procedures cannot share a national code."""
    ProcedureFactory(code="1.001193")
    with pytest.raises(IntegrityError):
        ProcedureFactory(code="1.001193")


def test_national_code_format_is_explained():
    """A malformed national code is refused with an example of the right form."""
    procedure = ProcedureFactory.build(code="1001193")
    with pytest.raises(ValidationError) as excinfo:
        procedure.full_clean(exclude=["sector", "receiving_agency", "deciding_agency"])
    assert "1.001193" in str(excinfo.value.message_dict["code"])


@pytest.mark.parametrize(
    ("value", "unit", "steps", "fits"),
    [
        (5, TimeUnit.WORKING_DAYS, ["3", "1", "1"], True),
        (5, TimeUnit.WORKING_DAYS, ["3", "2.5"], False),
        (1, TimeUnit.SAME_DAY, ["0.5", "0.5"], True),
        (1, TimeUnit.SAME_DAY, ["1", "0.25"], False),
        (4, TimeUnit.WORKING_HOURS, ["0.25", "0.25"], True),
        (4, TimeUnit.WORKING_HOURS, ["0.5", "0.25"], False),
        (10, TimeUnit.CALENDAR_DAYS, ["8", "2"], True),
    ],
)
def test_route_must_fit_the_processing_time(value, unit, steps, fits):
    """The route's steps may not add up to more than the processing time."""
    procedure = ProcedureFactory.build(
        processing_time_value=value, processing_time_unit=unit
    )
    error = procedure.route_error([Decimal(s) for s in steps])
    assert (error is None) is fits
    if not fits:
        assert "thời hạn giải quyết" in error


def test_online_channel_and_level_must_agree():
    """Ticking online without a service level (or the reverse) is explained."""
    procedure = ProcedureFactory.build(via_online=True, online_level=OnlineLevel.NONE)
    with pytest.raises(ValidationError) as excinfo:
        procedure.clean()
    assert "online_level" in excinfo.value.message_dict
    procedure = ProcedureFactory.build(via_online=False, online_level=OnlineLevel.FULL)
    with pytest.raises(ValidationError) as excinfo:
        procedure.clean()
    assert "via_online" in excinfo.value.message_dict


def test_published_procedure_needs_processing_time():
    """A published procedure must say how long it takes."""
    procedure = ProcedureFactory.build(
        status=PublicationStatus.PUBLISHED, processing_time_value=None
    )
    with pytest.raises(ValidationError) as excinfo:
        procedure.clean()
    assert "processing_time_value" in excinfo.value.message_dict


def test_folded_search_columns_follow_the_name():
    """Saving keeps the accent-free search columns in step with the text."""
    procedure = ProcedureFactory(name="Đăng ký khai sinh")
    assert procedure.name_folded == "dang ky khai sinh"
    procedure.name = "Cấp bản sao trích lục"
    procedure.save(update_fields=["name"])
    procedure.refresh_from_db()
    assert procedure.name_folded == "cap ban sao trich luc"
    assert "cap ban sao trich luc" in procedure.search_folded


def test_public_excludes_drafts_withdrawn_and_out_of_validity():
    """Only published procedures in force are public."""
    today = timezone.localdate()
    public = ProcedureFactory(published=True)
    ProcedureFactory()
    ProcedureFactory(withdrawn=True)
    ProcedureFactory(published=True, valid_until=today - timedelta(days=1))
    ProcedureFactory(published=True, valid_from=today + timedelta(days=1))
    assert list(Procedure.objects.public()) == [public]


def test_publish_refuses_incomplete_procedure_with_reasons():
    """Publishing a procedure without papers or with a too-long route is refused."""
    procedure = ProcedureFactory(processing_time_value=2)
    RouteStepFactory(procedure=procedure, working_days=Decimal(3))
    admin = UserFactory(username="boss")
    with pytest.raises(ValidationError) as excinfo:
        procedure_publish(procedure=procedure, actor=admin)
    text = " ".join(excinfo.value.messages)
    assert "thành phần hồ sơ" in text
    assert "thời hạn giải quyết" in text
    procedure.refresh_from_db()
    assert procedure.status == PublicationStatus.DRAFT


def test_publish_and_withdraw_are_recorded_in_history():
    """Publishing and withdrawing leave history rows naming who did it."""
    procedure = ProcedureFactory()
    RequiredPaperFactory(procedure=procedure)
    admin = UserFactory(username="boss")
    procedure_publish(procedure=procedure, actor=admin)
    procedure_withdraw(procedure=procedure, actor=admin)
    history = list(procedure.history.order_by("history_date"))
    assert [h.status for h in history] == ["draft", "published", "withdrawn"]
    assert history[1].history_user == admin
    assert history[2].history_change_reason == "withdraw"
