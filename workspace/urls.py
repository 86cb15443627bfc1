"""URLs of the staff workspace, under /staff/."""

from django.urls import path

from .views import audit, dossier, eforms, intake, worklist

app_name = "workspace"
urlpatterns = [
    path("", worklist.dashboard, name="dashboard"),
    path("dossiers/", worklist.dossier_list, name="dossier_list"),
    path("dossiers/<int:pk>/", dossier.dossier_detail, name="dossier_detail"),
    path(
        "dossiers/<int:pk>/act/<slug:action>/",
        dossier.dossier_act,
        name="dossier_act",
    ),
    path("dossiers/<int:pk>/check/", dossier.paper_check, name="paper_check"),
    path("dossiers/<int:pk>/notes/", dossier.add_note, name="add_note"),
    path(
        "dossiers/<int:pk>/files/<int:attachment_pk>/",
        dossier.attachment,
        name="attachment",
    ),
    path(
        "dossiers/<int:pk>/forms/<str:number>/", dossier.print_form, name="print_form"
    ),
    path(
        "dossiers/<int:pk>/forms/<str:number>/<int:seq>/",
        dossier.print_form,
        name="print_form_issue",
    ),
    path(
        "dossiers/<int:pk>/declaration/",
        eforms.print_declaration,
        name="print_declaration",
    ),
    path("intake/", intake.counter_intake, name="intake"),
    path("register/", worklist.register, name="register"),
    path("audit/", audit.audit_trail, name="audit_trail"),
]
