"""The counter intake: a walk-in's (or a letter's) dossier, checked and received."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from dossiers import services, workflow
from procedures.selectors import counter_picker, counter_procedures

from ..forms import CounterIntakeForm
from . import clerk_required


@clerk_required
def counter_intake(request: HttpRequest) -> HttpResponse:
    """Step 1 chooses the procedure; step 2 checks the applicant and the papers."""
    procedures = counter_procedures()
    code = request.GET.get("procedure") or request.POST.get("procedure")
    if not code:
        picker = counter_picker(request.user.agency_id, timezone.localdate())
        context = {
            "procedures": picker,
            "most_used": [p for p in picker if p["uses"]][:8],
        }
        return render(request, "workspace/intake_choose.html", context)
    procedure = get_object_or_404(procedures.prefetch_related("papers"), code=code)
    form = CounterIntakeForm(request.POST or None, request.FILES or None, procedure)
    if request.method == "POST" and form.is_valid():
        try:
            dossier = services.dossier_intake_at_counter(
                clerk=request.user, procedure=procedure, **form.service_kwargs()
            )
        except (PermissionDenied, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            if form.receives:
                done = workflow.action("receive_at_counter").done
                messages.success(request, str(done))
                return redirect("workspace:print_form", pk=dossier.pk, number="01")
            messages.success(request, str(workflow.action("file_at_counter").done))
            return redirect("workspace:dossier_detail", pk=dossier.pk)
    return render(
        request,
        "workspace/intake_form.html",
        {"procedure": procedure, "form": form, "status_error": form.is_bound},
        status=400 if form.is_bound else 200,
    )
