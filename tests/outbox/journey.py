"""Dossiers taken through their lifecycle by the services, for the outbox tests."""

from dossiers import services
from dossiers.models import Dossier
from tests.dossiers.scenario import at, fresh, pdf


def file_dossier(people, procedure, *, when: str = "2026-12-01 09:00") -> Dossier:
    """A citizen's dossier, submitted online (its first event)."""
    dossier = services.dossier_create_draft(
        applicant=people.citizen, procedure=procedure
    )
    for paper in dossier.papers:
        if paper["mandatory"]:
            services.dossier_attach_paper(
                dossier=dossier,
                actor=people.citizen,
                paper_index=paper["index"],
                upload=pdf(),
            )
    services.dossier_submit(dossier=dossier, actor=people.citizen, at=at(when))
    return fresh(dossier)


def take_through(dossier: Dossier, people) -> Dossier:
    """Receive, transfer, forward, approve and return ``dossier`` (5 events)."""
    services.dossier_receive(
        dossier=fresh(dossier), actor=people.clerk, at=at("2026-12-01 10:00")
    )
    services.dossier_transfer(
        dossier=fresh(dossier), actor=people.clerk, at=at("2026-12-01 10:30")
    )
    services.dossier_forward(
        dossier=fresh(dossier), actor=people.officer, at=at("2026-12-02 09:00")
    )
    services.dossier_approve(
        dossier=fresh(dossier), actor=people.leader, at=at("2026-12-03 15:00")
    )
    services.dossier_return_result(
        dossier=fresh(dossier),
        actor=people.clerk,
        channel="counter",
        collected_by="Nguyễn Văn An",
        id_checked=True,
        at=at("2026-12-04 09:00"),
    )
    return fresh(dossier)
