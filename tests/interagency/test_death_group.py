"""The second demo group: death registration, removal from permanent residence
and funeral-cost support, filed once; the death extract feeds both others
(procedure_groups/demo_death.py, docs/interagency.md)."""

import pytest

from dossiers import services
from dossiers.models import Dossier
from portal.demo import DEMO_PASSWORD, seed_accounts, seed_agencies
from procedure_groups.demo import seed_groups
from procedure_groups.demo_death import (
    DEATH,
    DEATH_GROUP,
    FUNERAL_SUPPORT,
    RESIDENCE_REMOVAL,
)
from procedure_groups.models import ProcedureGroup
from procedure_groups.services import (
    combined_papers,
    group_members,
    group_receive_at_counter,
)
from procedures.catalogue_io import import_catalogue
from procedures.demo import demo_catalogue_document
from procedures.models import Procedure
from tests.factories import demo_user, pdf
from workcalendar.demo import seed_calendar

from .scenario import at

RECEIVED = at("2026-12-01 09:00")


@pytest.fixture
def death_group(db, settings, tmp_path) -> ProcedureGroup:
    settings.MEDIA_ROOT = tmp_path
    seed_calendar()
    seed_agencies()
    accounts = seed_accounts(DEMO_PASSWORD)
    catalogue = demo_catalogue_document()
    catalogue["procedures"] = [
        p for p in catalogue["procedures"] if p["code"] in {DEATH, RESIDENCE_REMOVAL}
    ]
    import_catalogue(
        catalogue, actor=next(u for u in accounts if u.username == "admin")
    )
    seed_groups()
    return ProcedureGroup.objects.get(code=DEATH_GROUP)


@pytest.mark.django_db
def test_the_death_group_is_seeded_with_its_sources(death_group):
    members = group_members(death_group)
    assert [m.procedure.code for m in members] == [
        DEATH,
        RESIDENCE_REMOVAL,
        FUNERAL_SUPPORT,
    ]
    assert [[d.procedure.code for d in m.depends_on.all()] for m in members] == [
        [],
        [DEATH],
        [DEATH],
    ]
    assert death_group.processing_time_days == 6
    assert "(verify)" in death_group.sources
    assert not death_group.route_errors(
        [(m.pk, m.working_days, [d.pk for d in m.depends_on.all()]) for m in members]
    )
    support = Procedure.objects.get(code=FUNERAL_SUPPORT)
    assert support.status == "published" and "(verify)" in support.sources
    assert support.deciding_agency == members[0].procedure.deciding_agency
    # Seeding again changes nothing.
    assert seed_groups() is None
    assert ProcedureGroup.objects.get(code=DEATH_GROUP).members.count() == 3


@pytest.mark.django_db
def test_the_death_extract_feeds_both_other_procedures(death_group):
    # The removal from residence is published online only (1.003197): the desk's
    # counter intake of a group still needs every member received at the counter
    # (docs/interagency.md, "What is not done"), so the test opens it there.
    Procedure.objects.filter(code=RESIDENCE_REMOVAL).update(via_counter=True)
    lines = combined_papers(group_members(death_group))
    filing = group_receive_at_counter(
        clerk=demo_user("clerk"),
        group=death_group,
        details=services.ApplicantDetails(name="Trần Văn Bình", phone="0912000222"),
        received={i: (1, 0, 0) for i, line in enumerate(lines) if line.mandatory},
        shared_answers={"deceased_name": "Trần Văn Cường"},
        at=RECEIVED,
    )
    death, removal, support = (c.dossier for c in filing.children.all())
    assert removal.deciding_agency != death.deciding_agency  # the ward police
    for child in (removal, support):
        assert Dossier.objects.get(pk=child.pk).awaits_linked_result

    services.dossier_transfer(dossier=death, actor=demo_user("clerk"))
    services.dossier_forward(
        dossier=Dossier.objects.get(pk=death.pk), actor=demo_user("officer")
    )
    services.dossier_approve(
        dossier=Dossier.objects.get(pk=death.pk),
        actor=demo_user("leader"),
        result_files=[pdf("trich-luc-khai-tu.pdf")],
        at=at("2026-12-01 14:00"),
    )
    for child in (removal, support):
        child = Dossier.objects.get(pk=child.pk)
        assert child.clock_started_at == at("2026-12-01 14:00")
        assert child.current_due_at is not None
        (paper,) = child.attachments.all()
        assert paper.source_dossier_id == death.pk
