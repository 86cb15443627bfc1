"""Template filters of the citizen portal: plain-language wording of dossier data."""

from typing import Any

from django import template
from django.utils.translation import gettext as _

from procedures.models import TimeUnit

from ..models import SupplementRequest, TransitionLog
from ..timeline import applicant_event
from ..uploads import KINDS
from ..workflow import ACTIONS, CENTRE_NOTE

register = template.Library()


@register.filter
def processing_time(snapshot_time: dict[str, Any] | None) -> str:
    """A dossier's processing time as filed: "5 working days", "within the day"."""
    if not snapshot_time:
        return ""
    unit = snapshot_time.get("unit")
    if unit == TimeUnit.SAME_DAY:
        return _("Within the day of receipt")
    labels = dict(TimeUnit.choices)
    return f"{snapshot_time.get('value')} {labels.get(unit, '')}".strip()


@register.filter
def file_kind(content_type: str) -> str:
    """A file's type as a short label (PDF, JPG…), from the type detected at upload."""
    for kind in KINDS.values():
        if kind.mime == content_type:
            return kind.label
    return _("file")


@register.filter
def event_sentence(log: TransitionLog) -> str:
    """What a transition means for the applicant, in one sentence."""
    return applicant_event(log.transition)


@register.simple_tag
def supplement_request_of(log: TransitionLog) -> SupplementRequest | None:
    """The supplement request a transition made, for notices listing its papers."""
    if "02" not in ACTIONS[log.transition].issues:
        return None
    return (
        SupplementRequest.objects.filter(
            dossier_id=log.dossier_id, requested_at=log.created_at
        )
        .order_by("-pk")
        .first()
    )


@register.filter
def centre_note(log: TransitionLog) -> str:
    """The note of a transition if the centre addressed it to the applicant."""
    entry = ACTIONS.get(log.transition)
    return log.note if entry is not None and entry.note == CENTRE_NOTE else ""
