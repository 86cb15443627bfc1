"""Views of the second factor (set up, check, recovery codes, turn off) and of the
login lockouts a manager can lift."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from audit import services as audit

from . import lockout, mfa
from .forms_security import AppCodeForm, LockoutLiftForm, RecoveryCodeForm

CODES_SESSION_KEY = "accounts_new_recovery_codes"


def _next_url(request: HttpRequest) -> str:
    """The local page to go on to, else the user's landing page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed and target.startswith("/") else reverse("accounts:landing")


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


@never_cache
@login_required
def mfa_verify(request: HttpRequest) -> HttpResponse:
    """The second step of logging in: a code from the app, or a recovery code."""
    user, next_url = request.user, _next_url(request)
    if user.is_verified() or not mfa.second_factor_expected(request):
        return redirect(next_url)
    if not mfa.has_second_factor(user):
        return redirect(_with_next("accounts:mfa_enrol", next_url))
    recovery = "recovery_code" in request.POST
    data = request.POST if request.method == "POST" else None
    app_form = AppCodeForm(None if recovery else data)
    recovery_form = RecoveryCodeForm(data if recovery else None)
    form = recovery_form if recovery else app_form
    if data is not None and form.is_valid():
        code = form.cleaned_data.get("recovery_code") or form.cleaned_data["code"]
        throttled = mfa.is_throttled(user, code)
        device = mfa.second_factor_check(user=user, code=code)
        if device is None:
            audit.record(request, audit.Action.MFA_FAILED, actor=user, obj=user)
        else:
            mfa.session_verify(request, device)
            if isinstance(device, StaticDevice):
                messages.warning(
                    request,
                    _(
                        "You used a recovery code; %(left)d remain. Make new ones "
                        "from your account page if you are running out."
                    )
                    % {"left": mfa.recovery_codes_left(user)},
                )
            return redirect(next_url)
        form.add_error(
            None,
            _("Too many wrong codes. Wait a few seconds, then try again.")
            if throttled
            else _("This code is not correct or has already been used."),
        )
    return render(
        request,
        "accounts/mfa_verify.html",
        {
            "app_form": app_form,
            "recovery_form": recovery_form,
            "recovery": recovery,
            "next": next_url,
        },
        status=400 if data is not None else 200,
    )


@never_cache
@login_required
def mfa_enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code, confirm with a code."""
    user, next_url = request.user, _next_url(request)
    if mfa.has_second_factor(user) and not user.is_verified():
        # Only a session that passed the second factor may replace the app.
        return redirect(_with_next("accounts:mfa_verify", next_url))
    device = mfa.pending_app(user)
    form = AppCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.second_factor_enrol(
            user=user, device=device, code=form.cleaned_data["code"]
        )
        if codes:
            device.refresh_from_db()
            audit.record(request, audit.Action.MFA_ENROLLED, actor=user, obj=user)
            mfa.session_verify(request, device)
            request.session[CODES_SESSION_KEY] = codes
            return redirect(_with_next("accounts:mfa_recovery_codes", next_url))
        form.add_error(
            "code",
            _(
                "This code is not correct. Check that the phone's clock is right and "
                "enter the code the app shows now."
            ),
        )
    return render(
        request,
        "accounts/mfa_enrol.html",
        {
            "form": form,
            "qr": mfa.qr_svg(device),
            "secret": mfa.secret_text(device),
            "required": mfa.requires_second_factor(user),
            "next": next_url,
        },
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
def mfa_recovery_codes(request: HttpRequest) -> HttpResponse:
    """The new recovery codes, shown once."""
    codes = request.session.pop(CODES_SESSION_KEY, None)
    if not codes:
        return redirect(_next_url(request))
    return render(
        request,
        "accounts/mfa_recovery_codes.html",
        {"codes": codes, "next": _next_url(request)},
    )


@require_POST
@login_required
def mfa_recovery_codes_new(request: HttpRequest) -> HttpResponse:
    if not (request.user.is_verified() and mfa.has_second_factor(request.user)):
        raise PermissionDenied
    request.session[CODES_SESSION_KEY] = mfa.recovery_codes_issue(user=request.user)
    return redirect(
        _with_next("accounts:mfa_recovery_codes", reverse("accounts:profile"))
    )


@require_POST
@login_required
def mfa_disable(request: HttpRequest) -> HttpResponse:
    """A citizen turns the second factor off, confirming with a current code."""
    if mfa.requires_second_factor(request.user):
        raise PermissionDenied
    form = AppCodeForm(request.POST)
    if form.is_valid() and mfa.second_factor_disable(
        user=request.user, code=form.cleaned_data["code"]
    ):
        mfa.session_forget(request)
        audit.record(
            request, audit.Action.MFA_REMOVED, actor=request.user, obj=request.user
        )
        messages.success(request, _("Two-step verification is off."))
    else:
        messages.error(
            request,
            _("Two-step verification is still on: the code was not correct."),
        )
    return redirect("accounts:profile")


@never_cache
@login_required
def lockouts(request: HttpRequest) -> HttpResponse:
    """The accounts and addresses locked out after failed logins, to unlock."""
    if not lockout.can_unlock(request.user):
        raise PermissionDenied
    form = LockoutLiftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        count = lockout.lockout_lift(actor=request.user, **form.cleaned_data)
        if count:
            messages.success(
                request,
                _("Unlocked: %(value)s.") % {"value": form.cleaned_data["value"]},
            )
        else:
            messages.info(request, _("Nothing to unlock: the lock had already ended."))
        return redirect("accounts:lockouts")
    return render(
        request,
        "accounts/lockouts.html",
        {
            "lockouts": lockout.current_lockouts(),
            "minutes": int(lockout.cool_off().total_seconds() // 60),
        },
    )
