"""Cells of the dossier lists (worklist, my dossiers), rendered in Python.

A list repeats them on every row: an ``{% include %}`` per cell costs a template
render per row, these cost a string format.
"""

import functools
import html
from datetime import datetime
from typing import Any

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.timezone import localtime
from django.utils.translation import get_language, gettext, gettext_noop, pgettext

from ..models import FINAL_STATES, Channel, State

register = template.Library()

BADGE_CLASSES = {
    State.SUBMITTED: "text-bg-info",
    State.RECEIVED: "text-bg-info",
    State.PROCESSING: "text-bg-primary",
    State.AWAITING_SUPPLEMENT: "text-bg-warning",
    State.SUPPLEMENT_REQUESTED: "text-bg-warning",
    State.RESULT_READY: "text-bg-success",
    State.RETURNED: "text-bg-secondary",
    State.REFUSED: "text-bg-danger",
    State.STOPPED: "text-bg-danger",
}


STATE_LABELS = dict(State.choices)
CHANNEL_LABELS = dict(Channel.choices)


@functools.cache
def _labels(language: str | None) -> dict[str, str]:
    """The states' and channels' labels in a language, translated once."""
    return {
        key: str(label) for key, label in {**STATE_LABELS, **CHANNEL_LABELS}.items()
    }


@register.simple_tag
def state_badge(state: str, label: str | None = None) -> SafeString:
    """The coloured pill of a dossier's status (its label looked up once, not
    through ``get_state_display``, which rebuilds the choices on every call)."""
    css = BADGE_CLASSES.get(state, "text-bg-light border")
    if label is None:
        label = _labels(get_language()).get(state, state)
    return mark_safe(f'<span class="badge rounded-pill {css}">{escape(label)}</span>')


@register.simple_tag
def worklist_row(dossier: Any, windows: Any) -> SafeString:
    """One row of the staff worklist (templates/workspace/dossier_list.html).

    Formatted here rather than in the template: the page holds 25 of them and a
    template row costs some sixty variable lookups and tag renders.
    """
    procedure = dossier.procedure
    step = escape(dossier.step_name or "—")
    if dossier.assignee:
        step += f'<br><span class="text-muted">{escape(dossier.assignee)}</span>'
    url = pk_url("workspace:dossier_detail", dossier.pk)
    code = dossier.code or gettext("(not yet received)")
    name = Truncator(procedure.name).chars(70)
    labels = _labels(get_language())
    channel = escape(labels.get(dossier.channel, dossier.channel))
    if dossier.result_delivery:
        # How the applicant asked to receive the result (chosen at filing).
        way = labels.get(dossier.result_delivery, dossier.result_delivery)
        channel += (
            '<br><span class="text-muted">'
            + escape(gettext("Result: %(way)s") % {"way": way})
            + "</span>"
        )
    # Safe: every value is escaped, the badge and due cells by format_html.
    return mark_safe(
        "\n        <tr>"
        f'\n          <td><a class="fw-semibold" href="{escape(url)}">'
        f"{escape(code)}</a></td>"
        f"\n          <td>{escape(dossier.applicant_name)}</td>"
        f'\n          <td><span class="text-muted small">{escape(procedure.code)}'
        f"</span><br>{escape(name)}</td>"
        f"\n          <td>{state_badge(dossier.state)}</td>"
        f'\n          <td class="small">{step}</td>'
        f'\n          <td class="small text-nowrap">{due_cell(dossier, windows)}</td>'
        f'\n          <td class="small">{channel}</td>'
        "\n        </tr>"
    )


def pk_url(view: str, pk: int) -> str:
    """``reverse(view, args=[pk])`` for a page addressed by one id
    (``…/<int:pk>/…``), reversed once per view rather than once per row."""
    before, after = _pk_url_parts(view, get_script_prefix())
    return f"{before}{pk}{after}"


# An id no address holds elsewhere, to find where the id goes in a reversed one.
_PK_MARK = 918273645


@functools.lru_cache(maxsize=64)
def _pk_url_parts(view: str, script_prefix: str) -> tuple[str, str]:
    address = reverse(view, args=[_PK_MARK])
    before, mark, after = address.partition(f"/{_PK_MARK}/")
    if not mark or str(_PK_MARK) in before + after:
        raise ValueError(f"{view} is not addressed by one id: {address}")
    return f"{before}/", f"/{after}"


def escape(value: Any) -> str:
    """Django's conditional_escape() as a plain string, at a fraction of its cost."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


@register.filter
def due_time(due: datetime | None) -> str:
    """A due date as the lists show it (``|date:"H:i d/m/Y"``), in local time;
    strftime, as those are digits only, at a fraction of the date filter's cost."""
    return localtime(due).strftime("%H:%M %d/%m/%Y") if due else ""


@register.simple_tag
def due_cell(dossier: Any, windows: Any) -> SafeString:
    """The worklist's due date: an overdue or due-soon badge while the clock runs,
    "paused" while it waits for the applicant's supplement."""
    due = dossier.current_due_at
    words = _cell_words(get_language())
    if not due:
        text = "—"
    elif dossier.state in (State.RECEIVED, State.PROCESSING) and due < windows.now:
        badge = f'<span class="badge badge-overdue">{words["overdue"]}</span>'
        text = f"{due_time(due)} {badge}"
    elif dossier.state in (State.RECEIVED, State.PROCESSING) and due <= windows.soon:
        text = f'{due_time(due)} <span class="badge badge-soon">{words["soon"]}</span>'
    else:
        text = due_time(due)
    if dossier.state == State.AWAITING_SUPPLEMENT:
        text += f' <span class="badge badge-paused">{words["paused"]}</span>'
    # Safe: due_time() is digits only, the words are escaped.
    return mark_safe(text)


@functools.cache
def _cell_words(language: str | None) -> dict[str, str]:
    """The words the rows repeat, translated and escaped once per language."""
    return {
        "overdue": escape(gettext("overdue")),
        "soon": escape(gettext("due soon")),
        "paused": escape(pgettext("due date", "paused")),
        "submitted": gettext("submitted %(date)s"),
        "started": gettext("started %(date)s"),
        "status": escape(gettext("Status")),
        "code": escape(gettext("Dossier code")),
        "appointment": escape(gettext("Appointment date")),
        "view": escape(gettext("View")),
        **{label: escape(gettext(label)) for _v, _c, label in _MY_ACTIONS.values()},
    }


# The applicant's list: its action button by state (dossiers/my_list.html); the
# labels marked for makemessages, translated when drawn.
_MY_ACTIONS = {
    State.DRAFT: ("dossiers:draft", "btn-primary", gettext_noop("Continue")),
    State.SUPPLEMENT_REQUESTED: (
        "dossiers:supplement",
        "btn-warning",
        gettext_noop("Supplement"),
    ),
    State.AWAITING_SUPPLEMENT: (
        "dossiers:supplement",
        "btn-warning",
        gettext_noop("Supplement"),
    ),
}


@register.simple_tag
def my_dossier_row(dossier: Any) -> SafeString:
    """One row of the applicant's "My dossiers" (templates/dossiers/my_list.html),
    formatted here for the same reason as ``worklist_row``."""
    url = pk_url("dossiers:detail", dossier.pk)
    name = escape(dossier.procedure_name)
    words = _cell_words(get_language())
    if dossier.submitted_at:
        when = words["submitted"]
        date = dossier.submitted_at
    else:
        when = words["started"]
        date = dossier.created_at
    when = escape(when % {"date": localtime(date).strftime("%d/%m/%Y")})
    code = escape(dossier.code or "—")
    code_class = "text-break" + ("" if dossier.code else " is-empty")
    final = dossier.state in FINAL_STATES
    if dossier.current_due_at and not final:
        due, due_class = due_time(dossier.current_due_at), ""
    else:
        due, due_class = "—", ' class="is-empty"'
    action = _MY_ACTIONS.get(dossier.state)
    if action:
        view, css, label = action
        button = (
            f'<a class="btn btn-sm {css}" href="'
            f'{escape(pk_url(view, dossier.pk))}">{words[label]}</a>'
        )
    else:
        button = (
            f'<a class="btn btn-sm btn-outline-primary" href="{escape(url)}">'
            f'{words["view"]}<span class="visually-hidden"> '
            f"{escape(dossier.code or dossier.procedure_name)}</span></a>"
        )
    status, code_label, due_label = words["status"], words["code"], words["appointment"]
    # Safe: every value is escaped.
    return mark_safe(
        "\n      <tr>"
        f'\n        <td class="cell-title"><a class="fw-semibold" href="{escape(url)}">'
        f'{name}</a>\n          <div class="small text-muted">{when}</div></td>'
        f'\n        <td data-label="{status}">{state_badge(dossier.state)}</td>'
        f'\n        <td data-label="{code_label}" class="{code_class}">{code}</td>'
        f'\n        <td data-label="{due_label}"{due_class}>{due}</td>'
        f'\n        <td class="text-md-end">\n          {button}\n        </td>'
        "\n      </tr>"
    )
