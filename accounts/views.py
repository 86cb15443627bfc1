"""Views of the user's own account: sign-up, e-mail verification, landing, profile."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from . import services
from .forms import ProfileForm, ResendVerificationForm, SignupForm
from .models import Role


@login_required
def landing(request: HttpRequest) -> HttpResponse:
    """Send each user, after login, to the page their role works from."""
    if request.user.role == Role.ADMINISTRATOR and request.user.is_staff:
        return redirect("admin:index")
    if request.user.works_at_centre:
        return redirect("workspace:dashboard")
    return redirect("dossiers:my_list")


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your details have been saved."))
        response = redirect("accounts:profile")
        response.set_cookie(
            "django_language", form.cleaned_data["preferred_language"], samesite="Lax"
        )
        return response
    return render(request, "accounts/profile.html", {"form": form})


def _safe_next(request: HttpRequest) -> str:
    """The local page to return to after logging in, if the request names one."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed and target.startswith("/") else ""


@never_cache
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:landing")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.account_sign_up(
            full_name=form.cleaned_data["full_name"],
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            language=request.LANGUAGE_CODE,
            build_url=request.build_absolute_uri,
            next_url=_safe_next(request),
        )
        return redirect("accounts:signup_sent")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "accounts/signup.html",
        {"form": form, "next": _safe_next(request)},
        status=status,
    )


def signup_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signup_sent.html")


@never_cache
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the sign-up e-mail: activate the account, then log in."""
    try:
        services.account_verify_email(token=token)
    except ValidationError as exc:
        return render(
            request,
            "accounts/verify_failed.html",
            {"reason": exc.messages[0], "form": ResendVerificationForm()},
            status=400,
        )
    messages.success(request, _("Your e-mail address is confirmed. Log in to start."))
    login_url = reverse("accounts:login")
    next_url = _safe_next(request)
    return redirect(
        f"{login_url}?{urlencode({'next': next_url})}" if next_url else login_url
    )


@never_cache
def resend_verification(request: HttpRequest) -> HttpResponse:
    form = ResendVerificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.account_resend_verification(
            email=form.cleaned_data["email"], build_url=request.build_absolute_uri
        )
        messages.info(
            request,
            _(
                "If an account waiting for confirmation uses this address, a new "
                "link is on its way."
            ),
        )
        return redirect("accounts:signup_sent")
    return render(request, "accounts/resend_verification.html", {"form": form})
