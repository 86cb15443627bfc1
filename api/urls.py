"""The API's addresses: version 1 under /api/v1/, its schema and documentation."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from .views import citizen, public, staff
from .views.docs import RedocView, SwaggerView
from .views.public import not_found

app_name = "api"

urlpatterns = [
    path("v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("v1/docs/", SwaggerView.as_view(url_name="api:schema"), name="swagger"),
    path("v1/redoc/", RedocView.as_view(url_name="api:schema"), name="redoc"),
    # Public
    path("v1/procedures/", public.ProcedureList.as_view(), name="procedures"),
    path(
        "v1/procedures/<str:code>/",
        public.ProcedureDetail.as_view(),
        name="procedure",
    ),
    path("v1/fields/", public.SectorList.as_view(), name="fields"),
    path("v1/agencies/", public.AgencyList.as_view(), name="agencies"),
    path(
        "v1/rating-criteria/",
        public.RatingCriterionList.as_view(),
        name="rating_criteria",
    ),
    path("v1/tracking/", public.Tracking.as_view(), name="tracking"),
    # Citizens
    path("v1/me/dossiers/", citizen.MyDossiers.as_view(), name="my_dossiers"),
    path("v1/me/dossiers/<int:pk>/", citizen.MyDossier.as_view(), name="my_dossier"),
    path(
        "v1/me/dossiers/<int:pk>/timeline/",
        citizen.MyTimeline.as_view(),
        name="my_timeline",
    ),
    path(
        "v1/me/dossiers/<int:pk>/papers/", citizen.MyPapers.as_view(), name="my_papers"
    ),
    path(
        "v1/me/dossiers/<int:pk>/submit/", citizen.MySubmit.as_view(), name="my_submit"
    ),
    path(
        "v1/me/dossiers/<int:pk>/supplement/",
        citizen.MySupplement.as_view(),
        name="my_supplement",
    ),
    path(
        "v1/me/dossiers/<int:pk>/withdraw/",
        citizen.MyWithdraw.as_view(),
        name="my_withdraw",
    ),
    path(
        "v1/me/dossiers/<int:pk>/rating/", citizen.MyRating.as_view(), name="my_rating"
    ),
    path(
        "v1/me/notifications/",
        citizen.MyNotifications.as_view(),
        name="my_notifications",
    ),
    # Staff and machine clients
    path("v1/staff/dossiers/", staff.StaffDossiers.as_view(), name="staff_dossiers"),
    path(
        "v1/staff/dossiers/<int:pk>/",
        staff.StaffDossier.as_view(),
        name="staff_dossier",
    ),
    path(
        "v1/staff/dossiers/<int:pk>/actions/<str:action>/",
        staff.StaffAction.as_view(),
        name="staff_action",
    ),
    # Anything else under /api/ is a JSON 404 (an id that is not a number
    # included), not the site's HTML page.
    re_path(r"^", not_found, name="not_found"),
]
