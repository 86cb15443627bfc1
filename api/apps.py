"""The REST API app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The schema's description of the API key header (drf-spectacular reads
        # extensions when their module is imported).
        from . import schema  # noqa: F401
