"""URLs of the staff workspace, under /staff/."""

from django.urls import path

from . import views

app_name = "workspace"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("dossiers/", views.dossier_list, name="dossier_list"),
    path("dossiers/<int:pk>/", views.dossier_detail, name="dossier_detail"),
    path("dossiers/<int:pk>/act/<slug:action>/", views.dossier_act, name="dossier_act"),
    path("dossiers/<int:pk>/check/", views.paper_check, name="paper_check"),
    path("dossiers/<int:pk>/notes/", views.add_note, name="add_note"),
    path(
        "dossiers/<int:pk>/files/<int:attachment_pk>/",
        views.attachment,
        name="attachment",
    ),
    path("dossiers/<int:pk>/forms/<str:number>/", views.print_form, name="print_form"),
    path("intake/", views.counter_intake, name="intake"),
    path("register/", views.register, name="register"),
]
