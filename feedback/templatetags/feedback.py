"""The rating panels shown on a returned dossier's pages (applicant and tracking)."""

from typing import Any

from django import template

from ..forms import PublicRatingForm, RatingForm
from ..models import all_criteria
from ..services import rating_of

register = template.Library()


@register.inclusion_tag("feedback/_rating_panel.html")
def rating_panel(dossier: Any, form: RatingForm | None = None) -> dict[str, Any]:
    """The applicant's rating of their returned dossier, or the form to give it.

    ``form`` is the bound form of a failed attempt, shown with its errors.
    """
    rating = rating_of(dossier)
    criteria = all_criteria()
    if form is None:
        form = RatingForm(criteria=[c for c in criteria if c.is_active])
    return {
        "dossier": dossier,
        "rating": rating,
        "scores": rating.labelled_scores(criteria) if rating else [],
        "rating_form": form if rating is None else None,
        "has_errors": form.is_bound and bool(form.errors),
        "error_forms": [form],
    }


@register.inclusion_tag("feedback/_public_rating.html")
def public_rating(dossier: Any, code: str, pin: str) -> dict[str, Any]:
    """The survey on the tracking page of a returned dossier, by code and PIN."""
    return {
        "rated": rating_of(dossier) is not None,
        "rating_form": PublicRatingForm(initial={"code": code, "pin": pin}),
        "code": code,
        "pin": pin,
    }
