"""URLs of the managers' complaints, under /staff/complaints/ (a namespace of its
own: these are staff pages, not the applicant's pages of ``feedback.urls``)."""

from django.urls import path

from . import views

app_name = "complaints"
urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
]
