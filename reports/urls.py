"""URLs of the statistics: the staff page and the public board."""

from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("staff/statistics/", views.staff_statistics, name="staff_statistics"),
    path("staff/statistics/report/", views.periodic_report, name="periodic_report"),
    path("statistics/", views.public_board, name="board"),
]
