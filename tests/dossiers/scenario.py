"""The dossier tests' timeline: the demo marriage-status procedure received on
Tue 1 Dec 2026, and small helpers (the fixtures are in conftest.py)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers.models import Dossier

TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# The demo marriage-status certificate: 3 working days, received at the ward
# centre, decided by the ward people's committee in two steps (review 2.4 days by
# the officer's department, then 0.6 days for the leader's signature).
PROCEDURE = "1.004873"
CODE_PREFIX = "000.21.32.H99-261201-"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


# Received Tue 1 Dec 2026 at 10:00: the clock counts from 17:00 that day, so the
# dossier is due on Fri 4 Dec at 17:00; the review step (2.4 days = 19 h 12 min of
# office time) is due Fri 4 Dec at 10:42, the signature with the dossier.
RECEIVED = at("2026-12-01 10:00")
TRANSFERRED = at("2026-12-01 10:30")
DUE = at("2026-12-04 17:00")
REVIEW_DUE = at("2026-12-04 10:42")


def pdf(name: str = "scan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")


def fresh(dossier: Dossier) -> Dossier:
    return Dossier.objects.get(pk=dossier.pk)
