"""The unread-notification count for the navigation bar."""

from django import template

from ..selectors import UNREAD_CAP, unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: template.Context) -> str:
    """The number of unread notifications as shown on the badge ("" when none)."""
    request = context.get("request")
    count = unread_count(getattr(request, "user", None))
    if not count:
        return ""
    return f"{UNREAD_CAP - 1}+" if count >= UNREAD_CAP else str(count)
