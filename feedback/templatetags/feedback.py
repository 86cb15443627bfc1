"""The rating and complaint panels shown on a dossier's pages (applicant and
tracking)."""

from typing import Any

from django import template

from ..forms import ComplaintForm, PublicRatingForm, RatingForm
from ..models import all_criteria
from ..selectors import complaints_of
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


@register.inclusion_tag("feedback/_complaint_panel.html")
def complaint_panel(dossier: Any, form: ComplaintForm | None = None) -> dict[str, Any]:
    """The applicant's complaints about their dossier with the centre's answers,
    and the form to file one (``form``: a failed attempt, with its errors)."""
    form = form if form is not None else ComplaintForm()
    return {
        "dossier": dossier,
        "complaints": complaints_of(dossier),
        "complaint_form": form,
        "has_errors": form.is_bound and bool(form.errors),
        "error_forms": [form],
    }
