"""Template filters shared by OneCenter pages."""

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def vnd(amount: int | None) -> str:
    """An amount of đồng as Vietnamese write it (8.000 đ), or in English (8,000 VND)."""
    if amount is None:
        return ""
    if get_language() == "en":
        return f"{amount:,} VND"
    return f"{amount:,}".replace(",", ".") + " đ"
