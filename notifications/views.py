"""The in-app inbox: a user's notifications, and marking them read."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(
        selectors.inbox(request.user), settings.CITIZEN_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read, and open the page it is about if asked.

    Someone else's notification answers 404, whatever the method.
    """
    notification = selectors.inbox(request.user).filter(pk=pk).first()
    if notification is None:
        raise Http404
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    services.notification_mark_read(user=request.user, notification_id=pk)
    if request.POST.get("open") and _on_this_site(notification.link):
        return redirect(notification.link)
    page = request.POST.get("page", "")
    suffix = f"?page={page}" if page.isdigit() else ""
    return redirect(reverse("notifications:inbox") + suffix)


def _on_this_site(link: str) -> bool:
    # Links are written by the notice's composer; a path on this site, never more.
    return link.startswith("/") and url_has_allowed_host_and_scheme(link, None)


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:inbox")
