"""Root URL configuration."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("OneCenter administration")
admin.site.site_title = _("OneCenter")
admin.site.index_title = _("Catalogue, staff and calendar")
# No side menu: on a 1366 px office screen it takes the room of three columns of
# the procedure list; the breadcrumbs and the index page lead everywhere.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("", include("portal.urls")),
    path("accounts/", include("accounts.urls")),
    path("procedures/", include("procedures.urls")),
    path("staff/", include("workspace.urls")),
    path("staff/complaints/", include("feedback.staff_urls")),
    path("", include("reports.urls")),
    path("", include("dossiers.urls")),
    path("", include("procedure_groups.urls")),
    path("", include("feedback.urls")),
    path("notifications/", include("notifications.urls")),
    path("api/", include("api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if settings.BENCH_BARE_VIEW:
    # The benchmark's baseline: every middleware, no work (docs/performance.md).
    from portal.benchmark.views import bare

    urlpatterns.append(path("bench/bare/", bare, name="bench_bare"))

handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
