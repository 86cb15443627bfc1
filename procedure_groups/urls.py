"""URLs of groups of linked procedures: the public tracking of a group file."""

from django.urls import path

from . import views, views_online

app_name = "procedure_groups"
urlpatterns = [
    path("track/group/", views.track_group, name="track"),
    path("procedure-groups/", views.group_list, name="list"),
    path(
        "procedure-groups/<slug:code>/file/",
        views_online.group_file_start,
        name="file",
    ),
    path("my/groups/<int:pk>/", views_online.my_group, name="mine"),
    path("my/groups/<int:pk>/edit/", views_online.group_draft, name="draft"),
    path("staff/groups/<slug:code>/intake/", views.group_intake, name="intake"),
    path("staff/groups/<str:code>/form-01/", views.group_receipt, name="form_01"),
]
