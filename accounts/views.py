"""Views of the user's own account: landing after login and profile."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .forms import ProfileForm
from .models import Role


@login_required
def landing(request: HttpRequest) -> HttpResponse:
    """Send each user, after login, to the page their role works from."""
    if request.user.role == Role.ADMINISTRATOR and request.user.is_staff:
        return redirect("admin:index")
    if request.user.works_at_centre:
        return redirect("workspace:dashboard")
    return redirect("accounts:profile")


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
