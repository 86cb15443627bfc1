"""The schema's two readers, Swagger UI and ReDoc, served from our own static
files (drf-spectacular-sidecar), under a Content-Security-Policy relaxed for
these two pages only."""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

# Both render their styles at run time (style elements without our nonce), so
# style-src is replaced without the nonce and hash (either one would make the
# browser ignore 'unsafe-inline'); ReDoc also runs its search in a worker built from
# a blob: URL. No script is inline: the Swagger UI's start script is a file of its
# own (the "split" view), and script-src stays 'self'.
DOCS_POLICY = {
    "style-src": [SELF, UNSAFE_INLINE],
    "worker-src": [SELF, "blob:"],
}


@method_decorator(csp_replace(DOCS_POLICY), name="dispatch")
class SwaggerView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"


@method_decorator(csp_replace(DOCS_POLICY), name="dispatch")
class RedocView(SpectacularRedocView):
    template_name = "api/redoc.html"
