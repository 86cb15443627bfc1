"""Forms of the staff workspace: the worklist's filters, the counter intake and
the register. (The forms of dossier actions are in ``dossiers/action_forms.py``.)"""

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import Role, User
from dossiers.action_forms import BootstrapMixin, PaperTable
from dossiers.forms import clean_id_number
from dossiers.models import ApplicantDetails, Channel, State
from dossiers.services import snapshot_procedure
from procedures.models import Department, Procedure, Sector


def due_window_choices(soon_days: int) -> list[tuple[str, str]]:
    return [
        ("", _("Any due date")),
        ("overdue", _("Overdue")),
        ("today", _("Due today")),
        (
            "soon",
            ngettext(
                "Due within %(days)d working day",
                "Due within %(days)d working days",
                soon_days,
            )
            % {"days": soon_days},
        ),
        ("later", _("Due later")),
    ]


class WorklistFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Dossier code, applicant name or ID number"),
            }
        ),
    )
    state = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All statuses")),
            *[c for c in State.choices if c[0] != "draft"],
        ],
    )
    due = forms.ChoiceField(label=_("Due"), required=False)
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=[("", _("All channels")), *Channel.choices],
    )
    procedure = forms.ModelChoiceField(
        label=_("Procedure"),
        required=False,
        queryset=Procedure.objects.only("code", "name").order_by("code"),
        to_field_name="code",
        empty_label=_("All procedures"),
    )
    sector = forms.ModelChoiceField(
        label=_("Field"),
        required=False,
        queryset=Sector.objects.all(),
        to_field_name="code",
        empty_label=_("All fields"),
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        required=False,
        queryset=Department.objects.select_related("agency"),
        empty_label=_("All departments"),
    )
    assignee = forms.ModelChoiceField(
        label=_("Assignee"),
        required=False,
        queryset=User.objects.filter(role__in=[Role.OFFICER, Role.LEADER]).only(
            "username", "full_name"
        ),
        empty_label=_("Anyone"),
    )

    def __init__(self, *args: Any, user: User, soon_days: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["due"].choices = due_window_choices(soon_days)
        if user.agency_id and user.role in (Role.OFFICER, Role.LEADER):
            self.fields["department"].queryset = Department.objects.filter(
                agency_id=user.agency_id
            ).select_related("agency")
            self.fields["assignee"].queryset = self.fields["assignee"].queryset.filter(
                agency_id=user.agency_id
            )

    def worklist_filters(self) -> dict[str, Any]:
        """The selector's keyword arguments (``dossiers.selectors.worklist``)."""
        data = self.cleaned_data
        return {
            "state": data.get("state", ""),
            "procedure_code": data["procedure"].code if data.get("procedure") else "",
            "sector_code": data["sector"].code if data.get("sector") else "",
            "department_id": data["department"].pk if data.get("department") else None,
            "assignee_id": data["assignee"].pk if data.get("assignee") else None,
            "channel": data.get("channel", ""),
            "due": data.get("due", ""),
            "query": data.get("q", ""),
        }


class ApplicantForm(BootstrapMixin, forms.Form):
    """The applicant's details, entered or checked by the clerk at the counter."""

    name = forms.CharField(label=_("Full name"), max_length=150)
    id_number = forms.CharField(
        label=_("ID number (CCCD)"), max_length=20, help_text=_("12 digits.")
    )
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[(Channel.COUNTER, _("At the counter")), (Channel.POST, _("By post"))],
        initial=Channel.COUNTER,
    )

    def clean_id_number(self) -> str:
        return clean_id_number(self.cleaned_data["id_number"])


class InternalNoteForm(BootstrapMixin, forms.Form):
    text = forms.CharField(
        label=_("Internal note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("Only staff see internal notes."),
    )


class CounterIntakeForm:
    """The counter's whole form: the applicant, then a line per paper.

    The clerk either receives the dossier (every mandatory paper handed over) or,
    when something is missing, registers it without receiving, to guide the
    applicant (Form 02) or refuse it (Form 03).
    """

    RECEIVE = "receive"
    REGISTER = "register"

    def __init__(self, data: Any, files: Any, procedure: Procedure) -> None:
        self.applicant = ApplicantForm(data)
        self.intent = (data or {}).get("intent", self.RECEIVE)
        self.paper_table = PaperTable(
            data,
            files,
            snapshot_procedure(procedure)["papers"],
            require_mandatory=self.intent != self.REGISTER,
        )
        self.papers = self.paper_table.lines

    @property
    def is_bound(self) -> bool:
        return self.applicant.is_bound

    @property
    def receives(self) -> bool:
        return self.intent != self.REGISTER

    def is_valid(self) -> bool:
        return self.applicant.is_valid() & self.paper_table.is_valid()

    def service_kwargs(self) -> dict[str, Any]:
        """``dossier_intake_at_counter``'s arguments from the checked data."""
        data = self.applicant.cleaned_data
        return {
            "details": ApplicantDetails(
                name=data["name"],
                id_number=data["id_number"],
                phone=data["phone"],
                email=data["email"],
                address=data["address"],
            ),
            "received": self.paper_table.received(),
            "uploads": self.paper_table.uploads(),
            "channel": data["channel"],
            "receive": self.receives,
        }


class RegisterFilterForm(BootstrapMixin, forms.Form):
    """Form 07's period, in days received. Any length: the register pages through
    it on screen and writes all of it to the PDF and the files. A date left out
    is filled in: the last seven days up to ``today``."""

    date_from = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data: Any, *, today: date, **kwargs: Any) -> None:
        data = data.copy() if data is not None else {}
        defaults = {"date_from": today - timedelta(days=7), "date_to": today}
        for name, default in defaults.items():
            if not data.get(name):
                data[name] = default.isoformat()
        super().__init__(data, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            raise forms.ValidationError(_("The end date comes before the start date."))
        return data

    def period_query(self) -> str:
        """The chosen period as a query string, for page and download links."""
        return urlencode(
            {name: self.cleaned_data[name].isoformat() for name in self.fields}
        )
