"""Template tags of the online form: a dossier's answers as labelled rows."""

from django import template
from django.utils.translation import get_language

from procedures.eforms import AnswerRow, answer_rows

from ..models import Dossier

register = template.Library()


@register.simple_tag
def dossier_answer_rows(dossier: Dossier, language: str = "") -> list[AnswerRow]:
    """The answers of ``dossier`` in its filed form's order, labels in ``language``
    (the page's by default)."""
    return answer_rows(
        dossier.form_definition,
        dossier.answers or {},
        papers=dossier.papers,
        language=language or get_language() or "vi",
    )
