"""App configuration for dossiers."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "dossiers"
    verbose_name = _("Dossiers")

    def ready(self) -> None:
        # The services register themselves in the workflow registry on import.
        from . import services  # noqa: F401
        from .freshness import connect
        from .models import Dossier, DossierStep, ExtensionDraft

        connect(Dossier, DossierStep, ExtensionDraft)
