"""The staff's action forms: what each workflow action asks for, no more.

Each form is built with the dossier it acts on (``form_class(data, files,
dossier=…)``), turns its data into the keyword arguments of the action's service
(``service_kwargs``) and shows the errors a service raises (``add_service_error``).
The registry (``dossiers/workflow.py``) names the form of each action.
"""

from datetime import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .forms import MultipleFileInput
from .models import Channel, Dossier, PaperCheck, ReceivedPaper
from .selectors import (
    current_step_handlers,
    next_step_handlers,
    open_supplement_request,
)
from .uploads import check_upload


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


class ActionForm(BootstrapMixin, forms.Form):
    """A form of one action on one dossier."""

    def __init__(
        self, data: Any = None, files: Any = None, *, dossier: Dossier, **kwargs: Any
    ) -> None:
        super().__init__(data, files, **kwargs)
        self.dossier = dossier

    def service_kwargs(self) -> dict[str, Any]:
        """The service's keyword arguments from the cleaned data."""
        return dict(self.cleaned_data)

    def error_summary(self) -> list[tuple[str, str]]:
        """What to fix, in order, as (id of the field to jump to, sentence); the
        panel of a failed action lists them at its top."""
        items = [("", str(error)) for error in self.non_field_errors()]
        for field in self:
            for error in field.errors:
                items.append((field.id_for_label or "", f"{field.label}: {error}"))
        table = getattr(self, "paper_table", None)
        for line in table.lines if table else ():
            name = str(line.paper["name"])[:80]
            for error in line.non_field_errors():
                items.append((line["received"].id_for_label, f"{name}: {error}"))
            for field in line:
                for error in field.errors:
                    items.append((field.id_for_label, f"{name}: {error}"))
        return items

    def add_service_error(self, error: ValidationError) -> None:
        """Show a service's refusal at its field, or above the form."""
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        else:
            for message in error.messages:
                self.add_error(None, message)


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


class ReasonsForm(ActionForm):
    reasons = forms.CharField(
        label=_("Reasons"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("The applicant receives these reasons in writing."),
    )


class NoteForm(ActionForm):
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = next_step_handlers(self.dossier)


class ReassignForm(ActionForm):
    """A leader gives the current step to another of its handlers, saying why."""

    assignee = forms.ModelChoiceField(
        label=_("Give the step to"),
        queryset=User.objects.none(),
    )
    note = forms.CharField(
        label=_("Why"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        handlers = current_step_handlers(self.dossier)
        if self.dossier.assignee_id:
            handlers = handlers.exclude(pk=self.dossier.assignee_id)
        self.fields["assignee"].queryset = handlers


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


class ExtendForm(ActionForm):
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The leader signs what an officer drafted, or changes it first.
        draft = self.dossier.extension_drafts.order_by("drafted_at", "id").last()
        if draft is not None:
            self.initial.setdefault(
                "new_due", timezone.localtime(draft.new_due).strftime("%Y-%m-%dT%H:%M")
            )
            self.initial.setdefault("reason", draft.reason)
            self.drafted_by = draft.drafted_by

    def clean_new_due(self) -> datetime:
        value = self.cleaned_data["new_due"]
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value


class ReturnForm(ActionForm):
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The way the applicant asked for at filing comes first.
        asked = self.dossier.result_delivery
        self.initial.setdefault("channel", asked or self.dossier.channel)
        if asked:
            self.fields["channel"].help_text = _(
                "The applicant asked: %(way)s%(address)s."
            ) % {
                "way": self.dossier.get_result_delivery_display(),
                "address": f" – {self.dossier.result_address}"
                if self.dossier.result_address
                else "",
            }

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "channel": data["channel"],
            "collected_by": data.get("collected_by", ""),
            "id_checked": data.get("id_checked", False),
            "fee_collected_vnd": data.get("fee_collected"),
        }


class SupplementForms:
    """Form 02: a line per paper plus a message; every listed paper needs guidance.

    Papers the desk's check found missing or wrong come ticked, with its note.
    """

    def __init__(
        self, data: Any = None, files: Any = None, *, dossier: Dossier
    ) -> None:
        self.dossier = dossier
        checks = {c.paper_index: c for c in dossier.paper_checks.all()}
        self.items = []
        for paper in dossier.papers:
            check = checks.get(paper["index"])
            initial = {}
            if check and check.verdict != PaperCheck.Verdict.VALID:
                initial = {"selected": True, "guidance": check.note}
            self.items.append(
                SupplementItemForm(
                    data, prefix=f"paper-{paper['index']}", paper=paper, initial=initial
                )
            )
        self.message = MessageForm(data)
        self.errors: list[str] = []

    @property
    def is_bound(self) -> bool:
        return self.message.is_bound

    def is_valid(self) -> bool:
        valid = self.message.is_valid() & all(f.is_valid() for f in self.items)
        if valid and not self.selected():
            self.errors.append(
                gettext_now("Tick every paper the applicant must supply or fix.")
            )
            return False
        return valid

    def selected(self) -> list[dict[str, Any]]:
        return [
            {"paper_index": f.paper["index"], "guidance": f.cleaned_data["guidance"]}
            for f in self.items
            if f.cleaned_data.get("selected")
        ]

    def service_kwargs(self) -> dict[str, Any]:
        return {
            "items": self.selected(),
            "message": self.message.cleaned_data["message"],
        }

    def error_summary(self) -> list[tuple[str, str]]:
        """As ``ActionForm.error_summary``: the list's problems, each paper's
        guidance, then the message."""
        first = self.items[0]["selected"].id_for_label if self.items else ""
        items = [(first, str(error)) for error in self.errors]
        for item in self.items:
            for error in item["guidance"].errors:
                items.append(
                    (
                        item["guidance"].id_for_label,
                        f"{str(item.paper['name'])[:80]}: {error}",
                    )
                )
        for field in self.message:
            for error in field.errors:
                items.append((field.id_for_label, f"{field.label}: {error}"))
        return items

    def add_service_error(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                for message in messages:
                    if field in self.message.fields:
                        self.message.add_error(field, message)
                    else:
                        self.errors.append(message)
        else:
            self.errors.extend(error.messages)


class PaperCountForm(forms.Form):
    """One line of a paper table at the desk: handed over or not, how many
    originals, certified copies and plain copies, and an optional scan."""

    received = forms.BooleanField(required=False)
    originals = forms.IntegerField(min_value=0, max_value=99, required=False)
    certified_copies = forms.IntegerField(min_value=0, max_value=99, required=False)
    copies = forms.IntegerField(min_value=0, max_value=99, required=False)
    scan = forms.FileField(required=False)

    COUNTS = ("originals", "certified_copies", "copies")

    def __init__(
        self,
        *args: Any,
        paper: dict[str, Any],
        require_mandatory: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.paper = paper
        self.require_mandatory = require_mandatory
        self.fields["received"].label = paper["name"]
        self.fields["received"].widget.attrs["class"] = "form-check-input"
        labels = {
            "originals": _("Originals"),
            "certified_copies": _("Certified copies"),
            "copies": _("Copies"),
            "scan": _("Scan"),
        }
        for name, label in labels.items():
            self.fields[name].label = label
            self.fields[name].widget.attrs["class"] = "form-control form-control-sm"
        for name in self.COUNTS:
            self.initial.setdefault(name, paper.get(name, 0))
        if not any(self.initial.get(name) for name in self.COUNTS):
            self.initial["originals"] = 1

    def clean_scan(self) -> Any:
        scan = self.cleaned_data.get("scan")
        if scan:
            check_upload(scan, self.paper.get("accepted_types") or ["pdf"])
        return scan

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("received"):
            if self.require_mandatory and self.paper.get("mandatory"):
                raise forms.ValidationError(
                    _("“%(paper)s” is mandatory: no receipt without it.")
                    % {"paper": self.paper["name"]}
                )
            return data
        if not any(data.get(name) for name in self.COUNTS):
            raise forms.ValidationError(
                _("“%(paper)s”: count at least one original, certified copy or copy.")
                % {"paper": self.paper["name"]}
            )
        return data

    def received_paper(self) -> ReceivedPaper | None:
        data = self.cleaned_data
        if not data.get("received"):
            return None
        return ReceivedPaper(
            index=self.paper["index"],
            name=self.paper["name"],
            originals=data.get("originals") or 0,
            certified_copies=data.get("certified_copies") or 0,
            copies=data.get("copies") or 0,
        )


class PaperTable:
    """The desk's table of papers handed over, one ``PaperCountForm`` per paper."""

    def __init__(
        self,
        data: Any,
        files: Any,
        papers: list[dict[str, Any]],
        *,
        require_mandatory: bool = False,
        ticked: frozenset[int] = frozenset(),
    ) -> None:
        self.lines = [
            PaperCountForm(
                data,
                files,
                prefix=f"paper-{paper['index']}",
                paper=paper,
                require_mandatory=require_mandatory,
                initial={"received": True} if paper["index"] in ticked else {},
            )
            for paper in papers
        ]

    def is_valid(self) -> bool:
        # Every line is validated (a list, not a generator), so each shows its errors.
        return all([line.is_valid() for line in self.lines])  # noqa: C419

    def received(self) -> list[ReceivedPaper]:
        return [p for line in self.lines if (p := line.received_paper()) is not None]

    def uploads(self) -> list[tuple[int, Any]]:
        return [
            (line.paper["index"], line.cleaned_data["scan"])
            for line in self.lines
            if line.cleaned_data.get("received") and line.cleaned_data.get("scan")
        ]


class CounterSupplementForm(NoteForm):
    """The papers an applicant brought to the desk in answer to Form 02."""

    def __init__(
        self, data: Any = None, files: Any = None, *, dossier: Dossier, **kwargs: Any
    ) -> None:
        super().__init__(data, files, dossier=dossier, **kwargs)
        request = open_supplement_request(dossier)
        requested = frozenset(
            item["paper_index"]
            for item in (request.items if request else [])
            if item.get("paper_index") is not None
        )
        self.paper_table = PaperTable(data, files, dossier.papers, ticked=requested)

    def is_valid(self) -> bool:
        valid = super().is_valid() & self.paper_table.is_valid()
        if valid and not self.paper_table.received():
            self.add_error(None, _("Tick the papers the applicant brought."))
            return False
        return valid

    def service_kwargs(self) -> dict[str, Any]:
        return {
            "note": self.cleaned_data.get("note", ""),
            "received": self.paper_table.received(),
            "uploads": self.paper_table.uploads(),
        }
