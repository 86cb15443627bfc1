"""Form 07 names the organisation a dossier was filed for, in its one column for
"the person or organisation", on screen and in both files (issue 17)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from tests.factories import AgencyFactory, ProcedureFactory, UserFactory
from tests.workspace.test_register import csv_rows, received, register, xlsx_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk():
    return UserFactory(
        username="register-clerk", role=Role.CLERK, agency=AgencyFactory(desk=True)
    )


@pytest.fixture
def procedure(clerk):
    return ProcedureFactory(receiving_agency=clerk.agency)


def test_the_register_shows_the_organisation_and_who_filed(client, clerk, procedure):
    received(
        clerk,
        procedure,
        1,
        organisation_name="Công ty TNHH Sơn Hà Xanh",
        organisation_tax_code="0312345678",
    )
    received(clerk, procedure, 1)
    csv_lines = csv_rows(register(client, clerk, format="csv"))
    xlsx_lines = xlsx_rows(register(client, clerk, format="xlsx"))
    applicants = {line[4] for line in csv_lines[1:]}
    assert any("Sơn Hà Xanh" in a and "0312345678" in a for a in applicants)
    assert "Người nộp 00000" in applicants  # filed for oneself: the name alone
    assert any(
        line[4] and "Công ty TNHH Sơn Hà Xanh" in line[4] for line in xlsx_lines[1:]
    )
    page = register(client, clerk).content.decode()
    assert "Công ty TNHH Sơn Hà Xanh" in page
    assert "0312345678" in page


def test_the_organisation_costs_no_query_per_row(client, clerk, procedure):
    """The organisation's fields are read with the rows, not one query each."""
    fields = {"organisation_name": "Hợp tác xã A", "organisation_tax_code": "0101"}
    received(clerk, procedure, 3, **fields)
    csv_rows(register(client, clerk, format="csv"))  # the session's first reads
    with CaptureQueriesContext(connection) as few:
        csv_rows(register(client, clerk, format="csv"))
    received(clerk, procedure, 30, **fields)
    with CaptureQueriesContext(connection) as many:
        csv_rows(register(client, clerk, format="csv"))
    assert len(many) == len(few)
