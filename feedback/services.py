"""Recording a satisfaction rating, once per returned dossier."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dossiers.models import Dossier, State
from dossiers.rules import is_own_applicant

from .models import HIGHEST_SCORE, LOWEST_SCORE, Rating, active_criteria


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
    one score from 1 to 5 for each criterion asked now, and nothing else.
    """
    if actor is not None and not is_own_applicant(dossier, actor):
        raise PermissionDenied(_("Only the dossier's applicant can rate it."))
    if dossier.state != State.RETURNED:
        raise ValidationError(
            _("A dossier can be rated once its result has been handed over."),
            code="not_returned",
        )
    asked = [criterion.code for criterion in active_criteria()]
    if sorted(scores) != sorted(asked):
        raise ValidationError(
            _("Score every criterion asked, and only those."), code="criteria"
        )
    if any(
        isinstance(score, bool)
        or not isinstance(score, int)
        or not LOWEST_SCORE <= score <= HIGHEST_SCORE
        for score in scores.values()
    ):
        raise ValidationError(_("Each score is from 1 to 5."), code="score_range")
    try:
        with transaction.atomic():
            return Rating.objects.create(
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


def rating_of(dossier: Dossier) -> Rating | None:
    return Rating.objects.filter(dossier=dossier).first()
