"""URLs of the public dossier pages."""

from django.urls import path

from . import views

app_name = "dossiers"
urlpatterns = [
    path("track/", views.track, name="track"),
]
