"""One history per procedure: its own changes and those of its papers, fees and
route steps, newest first, each with who, when and which values changed.

django-simple-history keeps a history table per model; the admin's own History
page shows only the procedure row. This merges the four, and computes each
record's change against the previous record of the same row in memory (one query
per table, however long the history).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .models import Fee, Procedure, RequiredPaper, RouteStep

# Kept out of the change lists: derived or bookkeeping columns.
_SKIPPED = {"id", "procedure", "name_folded", "search_folded", "updated_at"}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    when: datetime
    user: str
    kind: str  # "procedure", "paper", "fee", "step"
    kind_label: str
    subject: str
    action: str  # "+", "~", "-"
    action_label: str
    reason: str
    changes: list[Change] = field(default_factory=list)


Names = dict[tuple[type[models.Model], Any], str]


def _display(model_field: models.Field, value: Any, names: Names) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(model_field, models.DateTimeField):
        return formats.date_format(timezone.localtime(value), "d/m/Y H:i")
    if isinstance(model_field, models.DateField):
        return formats.date_format(value, "d/m/Y")
    if isinstance(model_field, models.BooleanField):
        return _("yes") if value else _("no")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        return names.get((model_field.related_model, value), f"#{value}")
    return str(value)


def _changes(
    model: type[models.Model], old: Any, new: Any, names: Names
) -> list[Change]:
    changes = []
    for model_field in model._meta.concrete_fields:
        if model_field.name in _SKIPPED:
            continue
        attname = model_field.attname
        before = getattr(old, attname, None) if old is not None else None
        after = getattr(new, attname, None)
        if old is not None and before == after:
            continue
        if (
            old is None
            and after in (None, "", False)
            and model_field.name != "mandatory"
        ):
            continue
        changes.append(
            Change(
                label=str(model_field.verbose_name),
                old=_display(model_field, before, names) if old is not None else "",
                new=_display(model_field, after, names),
            )
        )
    return changes


KINDS = (
    (Procedure, "procedure"),
    (RequiredPaper, "paper"),
    (Fee, "fee"),
    (RouteStep, "step"),
)


def _related_names(loaded: list) -> Names:
    """The names of the agencies, fields and departments the records point to,
    one query per related table."""
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for model, _kind, records in loaded:
        for model_field in model._meta.concrete_fields:
            if (
                isinstance(model_field, models.ForeignKey)
                and model_field.name not in _SKIPPED
            ):
                for record in records:
                    value = getattr(record, model_field.attname)
                    if value is not None:
                        wanted[model_field.related_model].add(value)
    names: Names = {}
    for related, ids in wanted.items():
        for obj in related._default_manager.filter(pk__in=ids):
            names[(related, obj.pk)] = str(obj)
    return names


def procedure_timeline(procedure: Procedure, limit: int = 300) -> list[Entry]:
    """Every recorded change of the procedure and its inlines, newest first."""
    labels = {
        "procedure": _("The procedure itself"),
        "paper": _("Required paper"),
        "fee": _("Fee"),
        "step": _("Route step"),
    }
    actions = {"+": _("Added"), "~": _("Changed"), "-": _("Deleted")}
    reasons = {
        "publish": _("published in the catalogue"),
        "withdraw": _("withdrawn from the catalogue"),
        "catalogue import": _("from a catalogue file"),
    }
    loaded = []
    for model, kind in KINDS:
        history = model.history.select_related("history_user")  # type: ignore[attr-defined]
        if model is Procedure:
            history = history.filter(id=procedure.pk)
        else:
            history = history.filter(procedure_id=procedure.pk)
        loaded.append(
            (model, kind, list(history.order_by("history_date", "history_id")))
        )
    names = _related_names(loaded)
    entries: list[Entry] = []
    for model, kind, records in loaded:
        rows: dict[int, list[Any]] = defaultdict(list)
        for record in records:
            rows[record.id].append(record)
        row_names = {row_id: str(row[-1].name) for row_id, row in rows.items()}
        for row in rows.values():
            previous = None
            for record in row:
                action = record.history_type
                changes = (
                    [] if action == "-" else _changes(model, previous, record, names)
                )
                if action == "~" and not changes and not record.history_change_reason:
                    previous = record
                    continue  # a save that changed nothing worth showing
                user = record.history_user
                entries.append(
                    Entry(
                        when=record.history_date,
                        user=(user.get_full_name() or user.username) if user else "",
                        kind=kind,
                        kind_label=str(labels[kind]),
                        subject=row_names[record.id],
                        action=action,
                        action_label=str(actions.get(action, action)),
                        reason=str(
                            reasons.get(
                                record.history_change_reason or "",
                                record.history_change_reason or "",
                            )
                        ),
                        changes=changes,
                    )
                )
                previous = record
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]
