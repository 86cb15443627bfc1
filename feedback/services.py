"""Recording a satisfaction rating, once per returned dossier; filing and
answering complaints about a dossier."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit
from audit.models import Action
from dossiers.models import Dossier, State
from dossiers.rules import is_own_applicant

from . import notices
from .models import (
    HIGHEST_SCORE,
    LOWEST_SCORE,
    Complaint,
    Criterion,
    Rating,
    all_criteria,
)
from .selectors import complaint_in_scope

# The audit trail's actor for what comes from the public forms, which identify the
# dossier by its code and lookup PIN and have no account.
LOOKUP_ACTOR = "code + PIN"


@transaction.atomic
def rating_submit(
    *,
    dossier: Dossier,
    scores: dict[str, int],
    comment: str = "",
    actor: Any = None,
) -> Rating:
    """Rate a returned dossier; by its applicant's account, or by code and PIN.

    ``actor`` is the logged-in applicant, or None when the rating comes from the
    public form (the caller has checked the code and lookup PIN). The database's
    unique constraint decides a race between two submissions. ``scores`` holds
    one score from 1 to 5 for each criterion asked now, and nothing else
    (``score_errors`` says what is wrong otherwise; the browser's forms and the
    API both rely on it).
    """
    if actor is not None and not is_own_applicant(dossier, actor):
        raise PermissionDenied(_("Only the dossier's applicant can rate it."))
    if dossier.state != State.RETURNED:
        raise ValidationError(
            _("A dossier can be rated once its result has been handed over."),
            code="not_returned",
        )
    criteria = all_criteria()
    asked = [criterion.code for criterion in criteria if criterion.is_active]
    errors = score_errors(scores, criteria)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                dossier=dossier,
                comment=comment.strip(),
                via=Rating.Via.ACCOUNT if actor is not None else Rating.Via.LOOKUP,
                rated_by=actor,
                scores={code: scores[code] for code in asked},
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("This dossier has already been rated. Thank you!"),
            code="already_rated",
        ) from exc
    # Who and when (ratings are evidence); the comment stays in the rating only.
    audit.record(
        None,
        Action.DOSSIER_RATED,
        actor=actor,
        actor_label="" if actor is not None else LOOKUP_ACTOR,
        obj=rating,
        dossier=dossier,
        details={"via": rating.via, "scores": rating.scores},
    )
    return rating


def score_errors(
    scores: Mapping[str, Any], criteria: list[Criterion]
) -> list[ValidationError]:
    """What is wrong with ``scores`` against ``criteria`` (``all_criteria()``):
    one message per criterion asked and not scored, per code not asked now
    (retired, or no criterion at all) and per score outside 1 to 5. Each names
    its criterion's code in ``params["criterion"]``, for the API to point at it."""
    by_code = {criterion.code: criterion for criterion in criteria}
    asked = [criterion for criterion in criteria if criterion.is_active]
    errors = [
        ValidationError(
            _("Score this criterion: %(label)s."),
            code="criterion_missing",
            params={"criterion": criterion.code, "label": str(criterion)},
        )
        for criterion in asked
        if criterion.code not in scores
    ]
    for code, score in scores.items():
        criterion = by_code.get(code)
        if criterion is None:
            errors.append(
                ValidationError(
                    _(
                        "There is no rating criterion “%(criterion)s”. The "
                        "criteria asked are: %(asked)s."
                    ),
                    code="criterion_unknown",
                    params={
                        "criterion": code,
                        "asked": ", ".join(c.code for c in asked),
                    },
                )
            )
        elif not criterion.is_active:
            errors.append(
                ValidationError(
                    _("This criterion is no longer asked: %(label)s."),
                    code="criterion_retired",
                    params={"criterion": code, "label": str(criterion)},
                )
            )
        elif (
            isinstance(score, bool)
            or not isinstance(score, int)
            or not LOWEST_SCORE <= score <= HIGHEST_SCORE
        ):
            errors.append(
                ValidationError(
                    _("Each score is from 1 to 5."),
                    code="score_range",
                    params={"criterion": code},
                )
            )
    return errors


def rating_of(dossier: Dossier) -> Rating | None:
    return Rating.objects.filter(dossier=dossier).first()


# --- complaints (phản ánh, kiến nghị) -------------------------------------------

# An applicant may keep this many complaints about one dossier waiting for an
# answer; more is a flood, not a complaint (the public form is rate limited too).
MAX_OPEN_COMPLAINTS = 3


@transaction.atomic
def complaint_file(
    *,
    dossier: Dossier,
    subject: str,
    text: str,
    actor: Any = None,
) -> Complaint:
    """File a complaint about a dossier sent to the centre.

    ``actor`` is the logged-in applicant, or None when it comes from the public
    form (the caller has checked the code and lookup PIN). The dossier's row is
    locked so two submissions cannot both pass the open-complaint limit.
    """
    if actor is not None and not is_own_applicant(dossier, actor):
        raise PermissionDenied(_("Only the dossier's applicant can complain about it."))
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if dossier.state == State.DRAFT:
        raise ValidationError(
            _("A complaint can be filed once the dossier has been sent."),
            code="draft",
        )
    subject, text = subject.strip(), text.strip()
    if not subject or not text:
        raise ValidationError(
            _("Give the complaint a subject and describe it."), code="empty"
        )
    waiting = Complaint.objects.filter(
        dossier=dossier, status=Complaint.Status.OPEN
    ).count()
    if waiting >= MAX_OPEN_COMPLAINTS:
        raise ValidationError(
            _(
                "This dossier already has %(count)d complaints awaiting an answer. "
                "Please wait for the centre's answer."
            )
            % {"count": waiting},
            code="too_many_open",
        )
    complaint = Complaint.objects.create(
        dossier=dossier,
        subject=subject,
        text=text,
        via=Complaint.Via.ACCOUNT if actor is not None else Complaint.Via.LOOKUP,
        filed_by=actor,
    )
    # Who and when, in the audit trail too (the public form has no account).
    audit.record(
        None,
        Action.COMPLAINT_FILED,
        actor=actor,
        actor_label="" if actor is not None else LOOKUP_ACTOR,
        obj=complaint,
        dossier=dossier,
        details={"via": complaint.via},
    )
    return complaint


@transaction.atomic
def complaint_answer(*, complaint: Complaint, actor: Any, answer: str) -> Complaint:
    """Answer an open complaint as a manager whose scope covers its dossier; the
    applicant is told after commit (in the app, by e-mail, by SMS)."""
    if not complaint_in_scope(actor, complaint.pk):
        raise PermissionDenied(_("Only a manager of the centre can answer complaints."))
    complaint = (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("dossier__applicant")
        .get(pk=complaint.pk)
    )
    if complaint.status != Complaint.Status.OPEN:
        raise ValidationError(
            _("This complaint has already been answered."), code="answered"
        )
    answer = answer.strip()
    if not answer:
        raise ValidationError(_("Write the answer."), code="empty")
    complaint.status = Complaint.Status.ANSWERED
    complaint.answer = answer
    complaint.answered_by = actor
    complaint.answered_at = timezone.now()
    complaint.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    audit.record(
        None,
        Action.COMPLAINT_ANSWERED,
        actor=actor,
        obj=complaint,
        dossier=complaint.dossier,
    )
    notice = notices.record_answer_notice(complaint)
    if notice is not None:
        from .tasks import send_complaint_notice  # the task imports notices only

        send_complaint_notice.delay_on_commit(notice.pk)
    return complaint
