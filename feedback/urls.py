"""URLs of the satisfaction survey (same paths as the dossier pages they sit on)."""

from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("track/rate/", views.track_rate, name="track_rate"),
    path("my/dossiers/<int:pk>/rate/", views.rate, name="rate"),
]
