"""Sending one recorded reminder: what it says, through the shared notice pipeline.

The locking, the per-channel stamps, the retries and the channel settings are
``notifications.delivery``'s, the same for every notice; this module says what a
reminder's message is and whether it still applies (``scan.still_due``).
"""

from collections import defaultdict
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from dossiers.models import (
    CLOCK_RUNNING_STATES,
    Dossier,
    DossierStep,
    State,
    due_first,
)
from notifications import delivery
from notifications.channels import Message

from .models import Kind, Reminder
from .scan import still_due


def deliver(reminder_id: int) -> Reminder | None:
    """Send one pending reminder on every channel that has not sent it yet.

    Returns the reminder with its new status, or None when there was nothing to
    do; raises ``notifications.delivery.DeliveryError`` when a channel failed and
    another attempt is due (see ``notifications.delivery.deliver``).
    """
    return delivery.deliver(
        Reminder.objects.all(), reminder_id, compose=compose, still_due=still_due
    )


# --- the message ----------------------------------------------------------------


def compose(reminder: Reminder) -> Message:
    """The reminder rendered in its recipient's language."""
    return delivery.render(
        reminder,
        f"emails/reminders/{reminder.kind}",
        lambda: _context(reminder),
        link=_path(reminder),
    )


def _context(reminder: Reminder) -> dict[str, Any]:
    context: dict[str, Any] = {
        "reminder": reminder,
        "name": reminder.recipient_name,
        "CENTRE_NAME": settings.CENTRE_NAME,
    }
    if reminder.kind == Kind.OVERDUE_DIGEST:
        dossiers = list(
            Dossier.objects.filter(
                pk__in=reminder.digest, state__in=CLOCK_RUNNING_STATES
            )
            .select_related("deciding_agency", "receiving_desk")
            .order_by("current_due_at", "id")
        )
        branches = _open_branches([d for d in dossiers if d.in_parallel_stage])
        for dossier in dossiers:
            dossier.procedure_name = _procedure_name(dossier)
            dossier.link = _link(reverse("workspace:dossier_detail", args=[dossier.pk]))
            dossier.branches = branches.get(dossier.pk, [])
        context.update(
            dossiers=dossiers,
            count=len(dossiers),
            link=_link(reverse("workspace:dossier_list") + "?due=overdue"),
        )
        return context
    dossier = reminder.dossier
    context.update(
        dossier=dossier,
        code=dossier.code or "",
        procedure=_procedure_name(dossier),
        due=dossier.current_due_at,
        desk=dossier.receiving_desk,
    )
    if reminder.for_applicant:
        track = reverse("dossiers:track")
        context["link"] = _link(f"{track}?code={dossier.code}" if dossier.code else "")
        context["paused"] = dossier.state == State.AWAITING_SUPPLEMENT
        context["request"] = (
            dossier.supplement_requests.filter(answered_at__isnull=True)
            .order_by("-requested_at")
            .first()
        )
    else:
        context["link"] = _link(reverse("workspace:dossier_detail", args=[dossier.pk]))
        # At a stage of parallel branches, the recipient's own branch; to
        # whoever holds none (a clerk, a manager), every open branch, the one
        # due first first (docs/interagency.md). ``focus_on`` has read them.
        dossier.focus_on(reminder.recipient)
        if dossier.in_parallel_stage and dossier._focus_step is None:
            context["branches"] = due_first(dossier.open_steps)
        else:
            context["step"] = dossier.current_step
    return context


def _open_branches(dossiers: list[Dossier]) -> dict[int, list[DossierStep]]:
    """The open branches of each dossier at a stage of parallel branches, the
    one due first first, with their department, agency and holder: one query
    for the digest, none when no dossier is at such a stage."""
    if not dossiers:
        return {}
    stage = {dossier.pk: dossier.current_step_index for dossier in dossiers}
    branches: dict[int, list[DossierStep]] = defaultdict(list)
    steps = DossierStep.objects.filter(
        dossier_id__in=stage, finished_at__isnull=True
    ).select_related("agency", "department", "handled_by")
    for step in steps:
        if step.stage_start == stage[step.dossier_id]:
            branches[step.dossier_id].append(step)
    return {pk: due_first(steps) for pk, steps in branches.items()}


def _procedure_name(dossier: Dossier) -> str:
    snapshot = dossier.procedure_snapshot or {}
    if translation.get_language() == "en" and snapshot.get("name_en"):
        return snapshot["name_en"]
    return snapshot.get("name", "")


def _link(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path if path else settings.SITE_URL


def _path(reminder: Reminder) -> str:
    """The page the in-app reminder opens: the dossier, as its reader sees it."""
    if reminder.dossier_id is None:
        return reverse("workspace:dossier_list") + "?due=overdue"
    if reminder.for_applicant:
        return reverse("dossiers:detail", args=[reminder.dossier_id])
    return reverse("workspace:dossier_detail", args=[reminder.dossier_id])
