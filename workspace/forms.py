"""Forms of the staff workspace: the worklist's filters, the counter intake and
the register. (The forms of dossier actions are in ``dossiers/action_forms.py``.)"""

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import Role, User
from dossiers.action_forms import BootstrapMixin, PaperTable
from dossiers.eform import AnswersForm, OrganisationForm, ResultDeliveryForm
from dossiers.forms import clean_id_number
from dossiers.models import ApplicantDetails, Channel, State
from dossiers.search import query_problem
from dossiers.services import snapshot_procedure
from dossiers.templatetags.dossier_cells import escape
from procedures.cache import catalogue_choices
from procedures.models import Department, Procedure, Sector


class ListSelect(forms.Select):
    """A select rendered in Python: the same markup as Django's template, without
    a template render per option (the worklist's filters hold a few hundred
    options and are drawn on every page of it)."""

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None):
        if self.allow_multiple_selected or any(
            isinstance(label, (list, tuple)) for _value, label in self.choices
        ):
            return self._render_groups(name, value, attrs)
        chosen = set(self.format_value(value))
        final_attrs = _attrs(self.build_attrs(self.attrs, attrs))
        parts = [f'<select name="{escape(name)}"{final_attrs}>']
        for option_value, label in self.choices:
            option_value = "" if option_value is None else str(option_value)
            selected = option_value in chosen
            if selected:  # one option at most, as Django's Select
                chosen = set()
            parts.append(
                f'\n  <option value="{escape(option_value)}"'
                f"{' selected' if selected else ''}>{escape(label)}</option>"
            )
        parts.append("\n</select>")
        # Safe: every value above went through escape().
        return mark_safe("".join(parts))

    def _render_groups(self, name: str, value: Any, attrs: Any) -> str:
        """Option groups and multiple choices, from Django's own option dicts."""
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{escape(group_name)}">')
            parts.extend(
                f'\n  <option value="{escape(option["value"])}"'
                f"{_attrs(option['attrs'])}>{escape(option['label'])}</option>"
                for option in options
            )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        # Safe: every value above went through escape().
        return mark_safe("".join(parts))


def _attrs(attrs: dict[str, Any]) -> str:
    """Django's widgets/attrs.html: True gives a bare name, False nothing."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def model_choices(field: forms.ModelChoiceField) -> list[tuple[Any, str]]:
    """A model field's choices as plain pairs, read with one ordinary query."""
    return [
        (field.prepare_value(obj), field.label_from_instance(obj))
        for obj in field.queryset
    ]


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
                "placeholder": _("Code, applicant's name, ID number or phone"),
            }
        ),
    )
    state = forms.ChoiceField(
        label=_("Status"),
        required=False,
        widget=ListSelect,
        choices=[
            ("", _("All statuses")),
            *[c for c in State.choices if c[0] != "draft"],
        ],
    )
    due = forms.ChoiceField(label=_("Due"), required=False, widget=ListSelect)
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        widget=ListSelect,
        choices=[("", _("All channels")), *Channel.choices],
    )
    procedure = forms.ModelChoiceField(
        label=_("Procedure"),
        required=False,
        queryset=Procedure.objects.only("code", "name", "name_en").order_by("code"),
        to_field_name="code",
        empty_label=_("All procedures"),
        widget=ListSelect,
    )
    sector = forms.ModelChoiceField(
        label=_("Field"),
        required=False,
        queryset=Sector.objects.all(),
        to_field_name="code",
        empty_label=_("All fields"),
        widget=ListSelect,
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        required=False,
        queryset=Department.objects.select_related("agency"),
        empty_label=_("All departments"),
        widget=ListSelect,
    )
    assignee = forms.ModelChoiceField(
        label=_("Assignee"),
        required=False,
        queryset=User.objects.filter(role__in=[Role.OFFICER, Role.LEADER]).only(
            "username", "full_name"
        ),
        empty_label=_("Anyone"),
        widget=ListSelect,
    )
    # The manager's per-agency links (the deciding agency); scoped like the rest.
    agency = forms.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput
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
        # The options are drawn from plain lists: the catalogue's from the shared
        # cache, the staff's with one query (a model field would read each through
        # a server-side cursor). Validation still goes through the querysets.
        scope = user.agency_id if user.role in (Role.OFFICER, Role.LEADER) else "all"
        catalogue = catalogue_choices(
            f"worklist-{scope}",
            lambda: {
                name: model_choices(self.fields[name])
                for name in ("procedure", "sector", "department")
            },
        )
        for name, options in [*catalogue.items(), ("assignee", None)]:
            field = self.fields[name]
            if options is None:
                options = model_choices(field)
            field.widget.choices = [("", field.empty_label), *options]

    def clean_q(self) -> str:
        """A search of at least two characters (dossiers/search.py)."""
        query = self.cleaned_data.get("q", "")
        problem = query_problem(query)
        if problem:
            self.fields["q"].widget.attrs.update(
                {
                    "class": "form-control is-invalid",
                    "aria-invalid": "true",
                    "aria-describedby": "q-error",
                }
            )
            raise forms.ValidationError(problem, code="too_short")
        return query

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
            "agency_id": data.get("agency"),
        }

    def is_filtered(self) -> bool:
        """Whether any filter beyond the search box is set (the panel opens)."""
        if not self.is_bound or not self.is_valid():
            return self.is_bound
        return any(
            self.cleaned_data.get(name)
            for name in self.fields
            if name not in ("q", "agency")
        )


class BulkSelectionForm(forms.Form):
    """The dossiers ticked in the worklist: each box's value is ``<id>:<version>``,
    the version the page was drawn from (so a dossier changed meanwhile is not
    acted on blind)."""

    def __init__(self, data: Any, *, limit: int) -> None:
        super().__init__(data)
        self.limit = limit
        self.values = data.getlist("dossier") if data is not None else []

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        selection: dict[int, int] = {}
        for value in self.values:
            pk, sep, version = value.partition(":")
            if not (
                sep
                and pk.isascii()
                and pk.isdecimal()
                and version.isascii()
                and version.isdecimal()
                and len(pk) <= 18
                and len(version) <= 10
                and int(pk) > 0
            ):
                raise forms.ValidationError(
                    _("The selection was not understood; reload the list.")
                )
            selection[int(pk)] = int(version)
        if not selection:
            raise forms.ValidationError(_("Tick at least one dossier."))
        if len(selection) > self.limit:
            raise forms.ValidationError(
                ngettext(
                    "Tick at most %(limit)d dossier at a time.",
                    "Tick at most %(limit)d dossiers at a time.",
                    self.limit,
                )
                % {"limit": self.limit}
            )
        data["selection"] = list(selection.items())
        return data


class BulkTransferForm(BootstrapMixin, forms.Form):
    """Transfer several received dossiers: each to its own deciding agency, where
    the department decides who takes it."""

    note = forms.CharField(
        label=_("Note for the deciding agencies"),
        required=False,
        max_length=2000,
    )

    def service_kwargs(self) -> dict[str, Any]:
        return {"note": self.cleaned_data.get("note", "")}


class BulkReturnForm(BootstrapMixin, forms.Form):
    """Hand back several results the same way: one person collecting a stack at
    the counter (their identity checked once), or all sent online or by post."""

    channel = forms.ChoiceField(label=_("Delivered"), choices=Channel.choices)
    collected_by = forms.CharField(
        label=_("Collected by"),
        required=False,
        max_length=150,
        help_text=_("Name of the person who collected the results at the counter."),
    )
    id_checked = forms.BooleanField(
        label=_("Identity document checked"), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("channel") == Channel.COUNTER:
            if not (data.get("collected_by") or "").strip():
                self.add_error("collected_by", _("Write who collected the results."))
            if not data.get("id_checked"):
                self.add_error(
                    "id_checked",
                    _("Check the identity document of whoever collects."),
                )
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "channel": data["channel"],
            "collected_by": data.get("collected_by", ""),
            "id_checked": data.get("id_checked", False),
        }


BULK_FORMS: dict[str, type[forms.Form]] = {
    "transfer": BulkTransferForm,
    "return_result": BulkReturnForm,
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
        snapshot = snapshot_procedure(procedure)
        self.paper_table = PaperTable(
            data,
            files,
            snapshot["papers"],
            require_mandatory=self.intent != self.REGISTER,
        )
        self.papers = self.paper_table.lines
        # The procedure's online form, typed from the paper declaration handed
        # over: checked for wrong answers, not for missing ones (the paper is the
        # filed declaration at the counter).
        self.answers = AnswersForm(
            data, definition=snapshot["form"], papers=snapshot["papers"], require=False
        )
        self.delivery = ResultDeliveryForm(
            data, options=snapshot["result_delivery"], prefix="delivery"
        )
        # For the applicant or for an organisation, where the procedure allows it.
        self.organisation = (
            OrganisationForm(data) if snapshot["organisation_filing"] else None
        )

    @property
    def is_bound(self) -> bool:
        return self.applicant.is_bound

    @property
    def receives(self) -> bool:
        return self.intent != self.REGISTER

    def is_valid(self) -> bool:
        return (
            self.applicant.is_valid()
            & self.paper_table.is_valid()
            & self.answers.is_valid()
            & self.delivery.is_valid()
            & (self.organisation is None or self.organisation.is_valid())
        )

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
            "answers": self.answers.answers if self.answers.has_fields else None,
            "delivery": self.delivery.choice(),
            "organisation": (
                self.organisation.details() if self.organisation is not None else None
            ),
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
