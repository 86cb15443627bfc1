"""URLs of dossiers: public tracking and the applicant's own pages."""

from django.urls import path

from .views import applicant as views
from .views import eforms, tracking

app_name = "dossiers"
urlpatterns = [
    path("track/", tracking.track, name="track"),
    path("forms/communes/", eforms.communes, name="communes"),
    path("my/dossiers/", views.my_dossiers, name="my_list"),
    path("my/dossiers/new/<str:code>/", views.file, name="file"),
    path("my/dossiers/<int:pk>/", views.detail, name="detail"),
    path("my/dossiers/<int:pk>/edit/", views.draft, name="draft"),
    path("my/dossiers/<int:pk>/submitted/", views.submitted, name="submitted"),
    path(
        "my/dossiers/<int:pk>/papers/<int:index>/",
        views.upload_paper,
        name="upload_paper",
    ),
    path(
        "my/dossiers/<int:pk>/files/<int:attachment_pk>/",
        views.attachment,
        name="attachment",
    ),
    path(
        "my/dossiers/<int:pk>/files/<int:attachment_pk>/remove/",
        views.remove_paper,
        name="remove_paper",
    ),
    path("my/dossiers/<int:pk>/supplement/", views.supplement, name="supplement"),
    path("my/dossiers/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path(
        "my/dossiers/<int:pk>/declaration.pdf",
        eforms.declaration_pdf,
        name="declaration_pdf",
    ),
    path("my/dossiers/<int:pk>/slips/<str:number>/", views.slip, name="slip"),
    path(
        "my/dossiers/<int:pk>/slips/<str:number>/<int:seq>/",
        views.slip,
        name="slip_issue",
    ),
]
