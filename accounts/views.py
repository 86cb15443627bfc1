"""Views of the user's own account: sign-up, e-mail verification, landing, profile,
change of e-mail address, password reset."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from audit import services as audit
from audit.network import client_ip

from . import services
from .forms import (
    AccountPasswordForm,
    EmailChangeForm,
    ProfileForm,
    ResendVerificationForm,
    SignupForm,
)
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
            email=form.cleaned_data["email"],
            full_name=form.cleaned_data["full_name"],
            language=request.LANGUAGE_CODE,
            client_address=client_ip(request) or "",
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


def _link_failed(request: HttpRequest, error: ValidationError) -> HttpResponse:
    return render(
        request,
        "accounts/verify_failed.html",
        {"reason": error.messages[0], "form": ResendVerificationForm()},
        status=400,
    )


@never_cache
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the sign-up e-mail: its reader chooses the password, and the
    account opens. Opening the link changes nothing; only the form does."""
    try:
        account = services.verification_account(token=token)
    except ValidationError as error:
        return _link_failed(request, error)
    form = AccountPasswordForm(account, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_activate(
                token=token,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            return _link_failed(request, error)
        messages.success(request, _("Your account is open. Log in to start."))
        login_url = reverse("accounts:login")
        next_url = _safe_next(request)
        return redirect(
            f"{login_url}?{urlencode({'next': next_url})}" if next_url else login_url
        )
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "accounts/signup_password.html",
        {"form": form, "account": account},
        status=status,
    )


@never_cache
def resend_verification(request: HttpRequest) -> HttpResponse:
    form = ResendVerificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.account_resend_verification(
            email=form.cleaned_data["email"],
            language=request.LANGUAGE_CODE,
            client_address=client_ip(request) or "",
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


class PasswordResetView(auth_views.PasswordResetView):
    """Django's form; the e-mail is sent by the worker, within the account e-mail
    limits, so the answer and its timing are the same for any address."""

    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form) -> HttpResponse:
        services.account_request_password_reset(
            email=form.cleaned_data["email"],
            client_address=client_ip(self.request) or "",
        )
        return HttpResponseRedirect(self.get_success_url())


@never_cache
@login_required
def email_change(request: HttpRequest) -> HttpResponse:
    """Ask for a new address: the current password, then a link to the new one."""
    form = EmailChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.account_request_email_change(
            user=request.user,
            new_email=form.cleaned_data["email"],
            client_address=client_ip(request) or "",
        )
        audit.record(
            request,
            audit.Action.EMAIL_CHANGE_REQUESTED,
            actor=request.user,
            obj=request.user,
            details={"new_email": form.cleaned_data["email"]},
        )
        messages.info(
            request,
            _(
                "We have sent a link to %(new)s. Your address changes when you open "
                "it; until then we keep writing to %(old)s."
            )
            % {"new": form.cleaned_data["email"], "old": request.user.email},
        )
        return redirect("accounts:profile")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/email_change.html", {"form": form}, status=status)


@never_cache
@login_required
def email_change_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link sent to the new address; the change is made by the page's button."""
    try:
        if request.method == "POST":
            old_email = request.user.email
            user = services.account_change_email(user=request.user, token=token)
            audit.record(
                request,
                audit.Action.EMAIL_CHANGED,
                actor=user,
                obj=user,
                details={"old_email": old_email, "new_email": user.email},
            )
            messages.success(
                request,
                _("Your e-mail address is now %(email)s.") % {"email": user.email},
            )
            return redirect("accounts:profile")
        new_email = services.email_change_target(user=request.user, token=token)
    except ValidationError as error:
        return render(
            request,
            "accounts/email_change_confirm.html",
            {"reason": error.messages[0]},
            status=400,
        )
    return render(
        request, "accounts/email_change_confirm.html", {"new_email": new_email}
    )
