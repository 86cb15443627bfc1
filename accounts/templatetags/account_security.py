"""The second-factor panel of the profile page."""

from django import template

from .. import lockout, mfa
from ..forms_security import AppCodeForm

register = template.Library()


@register.inclusion_tag("accounts/_second_factor_panel.html", takes_context=True)
def second_factor_panel(context: template.Context) -> dict[str, object]:
    request = context["request"]
    user = request.user
    enabled = mfa.has_second_factor(user)
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "enabled": enabled,
        "required": mfa.requires_second_factor(user),
        "codes_left": mfa.recovery_codes_left(user) if enabled else 0,
        "verified": user.is_verified(),
        "can_unlock": lockout.can_unlock(user),
        "disable_form": AppCodeForm(auto_id="id_disable_%s"),
    }
