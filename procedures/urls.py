"""URLs of the public procedure catalogue."""

from django.urls import path

from . import views

app_name = "procedures"
urlpatterns = [
    path("", views.procedure_list, name="list"),
    path("<str:code>/", views.procedure_detail, name="detail"),
    path("<str:code>/papers/<int:paper_id>/form/", views.blank_form, name="blank_form"),
]
