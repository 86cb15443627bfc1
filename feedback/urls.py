"""URLs of the satisfaction survey and complaints, on the applicant's side (same
paths as the dossier pages they sit on; the managers' are in ``staff_urls``)."""

from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("track/rate/", views.track_rate, name="track_rate"),
    path("track/complaint/", views.track_complain, name="track_complain"),
    path("my/dossiers/<int:pk>/rate/", views.rate, name="rate"),
    path("my/dossiers/<int:pk>/complaint/", views.complain, name="complain"),
]
