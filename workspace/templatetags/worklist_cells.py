"""The worklist's rows (templates/workspace/dossier_list.html), one line each.

Rendered in Python like ``dossiers.templatetags.dossier_cells`` (whose cells it
reuses): 25 rows of some twelve cells would cost a template render each. A row
keeps to one line so a 1366×768 screen shows a dozen: long texts are cut by CSS
with their full words in a tooltip.
"""

import functools
from datetime import datetime, timedelta
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import get_language, gettext, ngettext

from dossiers.queues import AGENCY, DAYS_LATE
from dossiers.templatetags.dossier_cells import (
    _labels,
    due_cell,
    due_time,
    escape,
    pk_url,
    state_badge,
)

register = template.Library()


def age_text(since: datetime | None, now: datetime) -> str:
    """How long ago, in the largest whole unit: "3 days", "5 hours"."""
    if since is None:
        return "—"
    age = max(now - since, timedelta(0))
    if age >= timedelta(days=1):
        return _age_words(get_language(), age.days, "days")
    return _age_words(get_language(), age.seconds // 3600, "hours")


@functools.lru_cache(maxsize=1024)
def _age_words(language: str | None, count: int, unit: str) -> str:
    if unit == "days":
        return ngettext("%(count)d day", "%(count)d days", count) % {"count": count}
    return ngettext("%(count)d hour", "%(count)d hours", count) % {"count": count}


def received_cell(received: datetime | None) -> str:
    """The day received; the time in the tooltip."""
    if received is None:
        return "<td>—</td>"
    moment = localtime(received)
    return f'<td title="{escape(due_time(received))}">{moment:%d/%m/%Y}</td>'


@functools.cache
def _row_words(language: str | None) -> dict[str, str]:
    """The words every row repeats, translated once per language."""
    return {
        "no_code": gettext("(not yet received)"),
        "result": gettext("Result: %(way)s"),
        "select": gettext("Select %(code)s"),
    }


@register.simple_tag
def worklist_line(dossier: Any, view: Any) -> SafeString:
    """One row; ``view`` is the page's ``WorklistView`` (columns, agency names,
    days late, whether rows can be ticked)."""
    windows = view.windows
    procedure = dossier.procedure
    labels = _labels(get_language())
    url = pk_url("workspace:dossier_detail", dossier.pk)
    words = _row_words(get_language())
    code = dossier.code or words["no_code"]
    step = escape(dossier.step_name or "—")
    # At a stage of parallel branches, the holder of the branch shown
    # (``selectors.worklist_rows``); the dossier's assignee is then empty.
    holder = dossier.assignee or getattr(dossier, "step_holder", None)
    if holder:
        step += f' · <span class="text-muted">{escape(holder)}</span>'
    channel = escape(labels.get(dossier.channel, dossier.channel))
    if dossier.result_delivery:
        # How the applicant asked to receive the result (chosen at filing).
        way = labels.get(dossier.result_delivery, dossier.result_delivery)
        channel += (
            ' · <span class="text-muted">'
            + escape(words["result"] % {"way": way})
            + "</span>"
        )
    cells = []
    if view.bulk:
        label = words["select"] % {"code": code}
        cells.append(
            '<td class="pick"><input class="form-check-input" type="checkbox" '
            f'name="dossier" value="{dossier.pk}:{dossier.version}" '
            f'form="bulk-form" aria-label="{escape(label)}"'
            f"{' checked' if dossier.pk in view.ticked else ''}></td>"
        )
    cells += [
        f'<td class="text-nowrap"><a href="{escape(url)}">{escape(code)}</a></td>',
        f'<td class="cut" title="{escape(dossier.applicant_name)}">'
        f"{escape(dossier.applicant_name)}</td>",
        f'<td class="cut cut-wide" title="{escape(procedure.code)} – '
        f'{escape(procedure.name)}"><span class="text-muted">{escape(procedure.code)}'
        f"</span> {escape(procedure.name)}</td>",
        f'<td class="cut cut-state" title="{escape(labels.get(dossier.state, ""))}">'
        f"{state_badge(dossier.state)}</td>",
        f'<td class="cut">{step}</td>',
        received_cell(dossier.received_at),
    ]
    age = age_text(dossier.submitted_at, windows.now)
    cells.append(f'<td class="text-nowrap">{escape(age)}</td>')
    cells.append(f'<td class="text-nowrap">{due_cell(dossier, windows)}</td>')
    if AGENCY in view.columns:
        agency = view.agency_names.get(dossier.deciding_agency_id, "")
        cells.append(f'<td class="cut" title="{escape(agency)}">{escape(agency)}</td>')
    if DAYS_LATE in view.columns:
        cells.append(f'<td class="text-end">{view.days_late.get(dossier.pk, 0)}</td>')
    cells.append(f'<td class="cut">{channel}</td>')
    # Safe: every value above went through escape() or a safe cell.
    return mark_safe("\n        <tr>" + "".join(cells) + "</tr>")
