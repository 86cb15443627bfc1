"""URLs of groups of linked procedures: the public tracking of a group file."""

from django.urls import path

from . import views

app_name = "procedure_groups"
urlpatterns = [
    path("track/group/", views.track_group, name="track"),
    path("procedure-groups/", views.group_list, name="list"),
    path("staff/groups/<slug:code>/intake/", views.group_intake, name="intake"),
    path("staff/groups/<str:code>/form-01/", views.group_receipt, name="form_01"),
]
