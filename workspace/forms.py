"""Forms of the staff workspace: each asks for what the law requires, no more."""

import re
from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from dossiers.models import Channel, State
from dossiers.uploads import check_upload
from procedures.models import Department, Procedure, Sector

DUE_WINDOWS = [
    ("", _("Any due date")),
    ("overdue", _("Overdue")),
    ("today", _("Due today")),
    ("soon", _("Due within 2 working days")),
    ("later", _("Due later")),
]


class BootstrapMixin:
    """Gives every widget its Bootstrap class, so templates stay simple."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)


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
    due = forms.ChoiceField(label=_("Due"), required=False, choices=DUE_WINDOWS)
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

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user.agency_id and user.role in (Role.OFFICER, Role.LEADER):
            self.fields["department"].queryset = Department.objects.filter(
                agency_id=user.agency_id
            ).select_related("agency")
            self.fields["assignee"].queryset = self.fields["assignee"].queryset.filter(
                agency_id=user.agency_id
            )


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
        label=_("Received"),
        choices=[(Channel.COUNTER, _("At the counter")), (Channel.POST, _("By post"))],
        initial=Channel.COUNTER,
    )

    def clean_id_number(self) -> str:
        value = self.cleaned_data["id_number"].strip()
        if not re.fullmatch(r"\d{12}", value):
            raise forms.ValidationError(
                _("An identity card (CCCD) number has exactly 12 digits.")
            )
        return value


class PaperReceiptForm(forms.Form):
    """One line of the counter's paper table: received or not, how many, a scan."""

    received = forms.BooleanField(required=False)
    originals = forms.IntegerField(min_value=0, max_value=99, required=False)
    copies = forms.IntegerField(min_value=0, max_value=99, required=False)
    scan = forms.FileField(required=False)

    def __init__(self, *args: Any, paper: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.paper = paper
        self.fields["received"].label = paper["name"]
        self.fields["received"].widget.attrs["class"] = "form-check-input"
        for name in ("originals", "copies", "scan"):
            self.fields[name].widget.attrs["class"] = "form-control form-control-sm"
        self.initial.setdefault("originals", paper.get("originals", 1))
        self.initial.setdefault(
            "copies", paper.get("copies", 0) + paper.get("certified_copies", 0)
        )

    def clean_scan(self):
        scan = self.cleaned_data.get("scan")
        if scan:
            check_upload(scan, self.paper.get("accepted_types") or ["pdf"])
        return scan

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.paper.get("mandatory") and not data.get("received"):
            raise forms.ValidationError(
                _("“%(paper)s” is mandatory: no receipt without it.")
                % {"paper": self.paper["name"]}
            )
        return data


class SupplementItemForm(forms.Form):
    """One paper the applicant must supply or correct, with guidance."""

    selected = forms.BooleanField(required=False)
    guidance = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )

    def __init__(self, *args: Any, paper: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.paper = paper
        self.fields["selected"].label = paper["name"]
        self.fields["selected"].widget.attrs["class"] = "form-check-input"
        self.fields["guidance"].label = _("What is wrong and how to fix it")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("selected") and not (data.get("guidance") or "").strip():
            self.add_error("guidance", _("Say what is wrong with this paper."))
        return data


class MessageForm(BootstrapMixin, forms.Form):
    message = forms.CharField(
        label=_("Message to the applicant"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class ReasonsForm(BootstrapMixin, forms.Form):
    reasons = forms.CharField(
        label=_("Reasons"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("The applicant receives these reasons in writing."),
    )


class NoteForm(BootstrapMixin, forms.Form):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class AssignForm(NoteForm):
    assignee = forms.ModelChoiceField(
        label=_("Assign to"),
        required=False,
        queryset=User.objects.none(),
        empty_label=_("The department decides"),
    )

    def __init__(self, *args: Any, candidates=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if candidates is not None:
            self.fields["assignee"].queryset = candidates


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class ApproveForm(NoteForm):
    result_files = MultipleFileField(
        label=_("Result files (electronic result)"),
        required=False,
        help_text=_("PDF of the signed result, for online delivery."),
    )

    def clean_result_files(self) -> list:
        files = self.cleaned_data.get("result_files") or []
        for upload in files:
            check_upload(upload, ["pdf"])
        return files


class ExtendForm(BootstrapMixin, forms.Form):
    new_due = forms.DateTimeField(
        label=_("New appointment date"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    reason = forms.CharField(
        label=_("Reason and apology (Form 04)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def clean_new_due(self) -> datetime:
        value = self.cleaned_data["new_due"]
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value


class ReturnForm(BootstrapMixin, forms.Form):
    channel = forms.ChoiceField(label=_("Delivered"), choices=Channel.choices)
    collected_by = forms.CharField(
        label=_("Collected by"),
        required=False,
        max_length=150,
        help_text=_("Name of the person who collected the result at the counter."),
    )
    id_checked = forms.BooleanField(
        label=_("Identity document checked"), required=False
    )
    fee_collected = forms.IntegerField(
        label=_("Fee collected (VND)"), required=False, min_value=0
    )


class InternalNoteForm(BootstrapMixin, forms.Form):
    text = forms.CharField(
        label=_("Internal note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("Only staff see internal notes."),
    )


class RegisterFilterForm(BootstrapMixin, forms.Form):
    date_from = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            raise forms.ValidationError(_("The end date comes before the start date."))
        if start and end and (end - start).days > 366:
            raise forms.ValidationError(_("Choose at most one year."))
        return data
