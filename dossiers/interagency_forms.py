"""The workspace forms of the inter-agency actions (docs/interagency.md)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .action_forms import ActionForm


class ReturnToAgencyForm(ActionForm):
    """Why the receiving agency sends the dossier back to the agency that sent it."""

    reasons = forms.CharField(
        label=_("Reasons for returning it"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_(
            "The sending agency reads them on the dossier and on Form 06; the "
            "applicant does not."
        ),
    )
