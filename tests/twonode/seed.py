"""The two-node test's data, written by a process of its own into the test's database.

Run as ``python -m tests.twonode.seed OUTPUT.json`` with the nodes' environment
(their ``DATABASE_URL``): the test process itself is configured for the suite's
test database, not this one. It seeds the calendar, the demo agencies and accounts and
two procedures, then dossiers in processing at fixed moments of December 2026
(the same procedure and route as tests/reminders: received at the Đông Sơn ward
desk, decided in 3 working days), and writes to OUTPUT.json (stdout carries the
logs) the reminder keys a scan finds due at each of the test's two moments.
"""

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
REMINDER_PROCEDURE = "1.004873"  # 3 working days, officer's step, leader's approval
# The marital status certificate again: two mandatory papers, filed online, and
# no online form, so its declaration (paper 0) is an upload.
UPLOAD_PROCEDURE = REMINDER_PROCEDURE
# Due on Friday 4 December: due soon and a Form 04 prompt on Thursday 3 December,
# due today on the 4th. The one received a week earlier is overdue on both days
# (a digest for the leaders and the manager).
RECEIVED = ["2026-12-01 08:00", "2026-12-01 09:00", "2026-12-01 10:00"]
RECEIVED_OVERDUE = "2026-11-24 10:00"
SCAN_MOMENTS = ["2026-12-03T07:00:00+07:00", "2026-12-04T07:00:00+07:00"]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def seed() -> dict[str, list[str]]:
    from accounts.models import User
    from dossiers import services
    from dossiers.models import Attachment, Channel, Dossier, State
    from portal.demo import DEMO_PASSWORD, seed_accounts, seed_agencies
    from procedures.catalogue_io import import_catalogue
    from procedures.demo import demo_catalogue_document
    from procedures.models import Procedure
    from reminders import scan
    from workcalendar.demo import seed_calendar

    seed_calendar()
    seed_agencies()
    accounts = {user.username: user for user in seed_accounts(DEMO_PASSWORD)}
    catalogue = demo_catalogue_document()
    catalogue["procedures"] = [
        p
        for p in catalogue["procedures"]
        if p["code"] in {REMINDER_PROCEDURE, UPLOAD_PROCEDURE}
    ]
    import_catalogue(catalogue, actor=accounts["admin"])

    procedure = Procedure.objects.get(code=REMINDER_PROCEDURE)
    citizen: User = accounts["citizen"]
    clerk, officer = accounts["clerk"], accounts["officer"]
    for moment in [at(text) for text in [RECEIVED_OVERDUE, *RECEIVED]]:
        dossier = Dossier.objects.create(
            procedure=procedure,
            procedure_snapshot=services.snapshot_procedure(procedure),
            channel=Channel.ONLINE,
            receiving_desk=procedure.receiving_agency,
            deciding_agency=procedure.deciding_agency,
            applicant=citizen,
            applicant_name=citizen.full_name,
            applicant_email=citizen.email,
            applicant_phone=citizen.phone,
        )
        for paper in dossier.papers:
            if paper["mandatory"]:
                Attachment.objects.create(
                    dossier=dossier,
                    paper_index=paper["index"],
                    file=f"dossiers/{dossier.pk}/scan-{paper['index']}",
                    original_name="scan.pdf",
                    content_type="application/pdf",
                    size=100,
                )
        Dossier.objects.filter(pk=dossier.pk).update(
            state=State.SUBMITTED, submitted_at=moment
        )
        with services.notifications_muted():
            services.dossier_receive(
                dossier=Dossier.objects.get(pk=dossier.pk), actor=clerk, at=moment
            )
            services.dossier_transfer(
                dossier=Dossier.objects.get(pk=dossier.pk),
                actor=clerk,
                assignee=officer,
                at=moment + timedelta(minutes=30),
            )
    return {
        now: sorted(
            reminder.key
            for reminder in scan.find_due_reminders(datetime.fromisoformat(now)).due
        )
        for now in SCAN_MOMENTS
    }


if __name__ == "__main__":
    import sys
    from pathlib import Path

    import django

    django.setup()
    Path(sys.argv[1]).write_text(json.dumps(seed()))
