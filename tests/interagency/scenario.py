"""The inter-agency tests' timeline: re-issuing a lost land-use certificate
(1.115712, 10 working days), received at the ward centre on Tue 1 Dec 2026.

Its demo route (procedures/demo.py, INTERAGENCY_ROUTES): the ward people's
committee (officer 2 days, leader 1 day), then the provincial land registration
office (officer 5 days, leader 2 days). December 2026 has no public holiday.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from dossiers.models import Dossier

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PROCEDURE = "1.115712"
WARD = "000.21.31.H99"
LAND_OFFICE = "000.00.20.H99"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


# Received Tue 1 Dec at 10:00: the clock counts from 17:00 that day; ten working
# days end on Tue 15 Dec at 17:00. The ward's share ends after 3 days (Fri 4 Dec),
# the land office's officer after 5 more (Fri 11 Dec), its leader with the dossier.
RECEIVED = at("2026-12-01 10:00")
TRANSFERRED = at("2026-12-01 10:30")
STEP_DUES = [
    at("2026-12-03 17:00"),
    at("2026-12-04 17:00"),
    at("2026-12-11 17:00"),
    at("2026-12-15 17:00"),
]
DUE = STEP_DUES[-1]


def fresh(dossier: Dossier) -> Dossier:
    return Dossier.objects.get(pk=dossier.pk)
