"""Dossier codes: one running number per receiving desk and day, never reused."""

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from procedures.models import Agency

from ..models import DossierCodeCounter


def issue_dossier_code(agency: Agency, at: datetime) -> str:
    """The next code for ``agency`` on the local day of ``at``, never duplicated.

    The counter row is locked for the rest of the caller's transaction, so
    concurrent receipts at one desk take numbers one after another.
    """
    day = timezone.localtime(at).date()
    for _attempt in range(3):
        try:
            with transaction.atomic():
                counter, _created = (
                    DossierCodeCounter.objects.select_for_update().get_or_create(
                        agency=agency, day=day
                    )
                )
                break
        except IntegrityError:
            continue
    else:  # pragma: no cover - three collisions on creating one row
        raise RuntimeError("Could not reserve a dossier code counter.")
    DossierCodeCounter.objects.filter(pk=counter.pk).update(
        last_number=F("last_number") + 1
    )
    counter.refresh_from_db()
    return settings.DOSSIER_CODE_FORMAT.format(
        agency=agency.code, date=day, number=counter.last_number
    )
